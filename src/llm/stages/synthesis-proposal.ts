/**
 * One task the model proposed, checked against the recording and turned into a Task. The model
 * only points (steps, output paths); values are read from the recorded outputs, so a wrong pointer
 * is a rejection with its reason rather than a hallucinated ground truth.
 */
import { createHash } from 'node:crypto';
import type { Difficulty, GroundTruthField, JsonPrimitive, JsonSchema, JsonValue, RecordedCall, Task } from '../../domain.js';
import { valuesAt } from '../../explore/json-path.js';
import { isVolatile } from '../../explore/volatile.js';
import { isJsonObject } from '../../json.js';
import { outputValue } from '../../mcp/output.js';
import type { EpisodeRecord } from '../../synthesize/synthesizer.js';
import { trajectoryFor } from '../../synthesize/trajectory.js';
import { isAnswerFieldName } from '../../synthesize/field-name.js';

export type ProposalResult = { task: Task } | { rejected: string };

interface Pointer {
  field: string;
  step: number;
  path: string;
  description: string;
}

const DIFFICULTIES = new Set<Difficulty>(['easy', 'medium', 'hard']);

/**
 * `proposal` as the model sent it (untrusted JSON); `explored` every exploration call of the
 * episode, failed ones included (the trajectory helper needs them to know what to leave out).
 */
export function taskFromProposal(proposal: JsonValue, episode: EpisodeRecord, explored: RecordedCall[], synthesizer: string): ProposalResult {
  if (!isJsonObject(proposal)) return { rejected: 'the proposal is not an object' };
  const { instruction, answerTemplate, difficulty, trajectory, answers } = proposal;
  if (typeof instruction !== 'string' || instruction.trim() === '') return { rejected: 'instruction is missing' };
  if (typeof answerTemplate !== 'string') return { rejected: 'answerTemplate is missing' };
  if (typeof difficulty !== 'string' || !DIFFICULTIES.has(difficulty as Difficulty)) return { rejected: `difficulty ${JSON.stringify(difficulty)} is not easy, medium or hard` };
  if (!Array.isArray(trajectory) || trajectory.length === 0 || !trajectory.every(Number.isInteger)) return { rejected: 'trajectory is not a list of step numbers' };
  if (!Array.isArray(answers) || answers.length === 0) return { rejected: 'answers are missing' };

  const byStep = new Map(explored.filter((c) => !c.isError).map((c) => [c.step, c]));
  const steps = trajectory as number[];
  const unknown = steps.find((step) => !byStep.has(step));
  if (unknown !== undefined) return { rejected: `trajectory step ${unknown} is not a recorded successful call` };
  if (new Set(steps).size !== steps.length) return { rejected: 'trajectory lists a step twice' };
  if (steps.some((step, i) => i > 0 && step < steps[i - 1]!)) return { rejected: 'trajectory is not in recorded order' };

  const pointers: Pointer[] = [];
  for (const answer of answers) {
    if (!isJsonObject(answer)) return { rejected: 'an answer is not an object' };
    const { field, step, path, description } = answer;
    if (typeof field !== 'string' || field.length > 64 || !isAnswerFieldName(field)) return { rejected: `answer field ${JSON.stringify(field)} is not an identifier of at most 64 characters, or is a reserved word in Python or JavaScript (from, class, …)` };
    if (typeof step !== 'number' || typeof path !== 'string' || typeof description !== 'string') return { rejected: `${field}: step, path or description is missing` };
    if (pointers.some((p) => p.field === field)) return { rejected: `answer field ${field} is given twice` };
    if (!steps.includes(step)) return { rejected: `${field}: step ${step} is not in the trajectory` };
    pointers.push({ field, step, path, description });
  }

  const target = byStep.get(steps.at(-1)!)!;
  const built = trajectoryFor(target, explored, episode.tools, steps.map((step) => byStep.get(step)!));
  const position = new Map(built.map((step, i) => [step.recorded.step, i]));
  const groundTruth: GroundTruthField[] = [];
  for (const pointer of pointers) {
    const found = valuesAt(outputValue(byStep.get(pointer.step)!.result), pointer.path);
    if (found.length === 0) return { rejected: `${pointer.field}: step ${pointer.step}'s output has nothing at ${pointer.path}` };
    if (found.length > 1) return { rejected: `${pointer.field}: ${pointer.path} matches ${found.length} values in step ${pointer.step}'s output; point at one` };
    const value = found[0]!.value;
    const tool = byStep.get(pointer.step)!.tool;
    if (isVolatile(found[0]!.path, episode.volatile?.get(tool))) {
      return { rejected: `${pointer.field}: ${pointer.path} of ${tool} changes from one call to the next (a clock, a random or generated value); point at a value that holds` };
    }
    if (!isAnswerValue(value)) return { rejected: `${pointer.field}: ${pointer.path} in step ${pointer.step}'s output is ${describe(value)}, not a text or number` };
    groundTruth.push({ field: pointer.field, value, source: { trajectoryStep: position.get(pointer.step)!, path: found[0]!.path } });
  }
  const duplicate = groundTruth.find((g, i) => groundTruth.findIndex((h) => h.source.trajectoryStep === g.source.trajectoryStep && h.source.path === g.source.path) !== i);
  if (duplicate) return { rejected: `${duplicate.field} points at the same value as another field` };
  const unknownSlot = [...answerTemplate.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).find((slot) => !pointers.some((p) => p.field === slot));
  if (unknownSlot !== undefined) return { rejected: `answerTemplate has a slot {${unknownSlot}} that is no answer field` };

  const id = createHash('sha256')
    .update(JSON.stringify([episode.runId, episode.subDagIndex, built.map((s) => s.recorded.step), groundTruth.map((g) => [g.source.trajectoryStep, g.source.path])]))
    .digest('hex')
    .slice(0, 16);
  return {
    task: {
      id,
      runId: episode.runId,
      server: episode.server,
      subDagIndex: episode.subDagIndex,
      instruction,
      answerSchema: answerSchema(groundTruth, pointers),
      groundTruth,
      answerTemplate,
      difficulty: difficulty as Difficulty,
      trajectory: built,
      synthesizer,
    },
  };
}

/** Booleans and null are a coin toss or nothing to find: the offline synthesizer skips them too. */
function isAnswerValue(value: JsonValue): value is JsonPrimitive {
  return typeof value === 'string' ? value.trim() !== '' : typeof value === 'number' && Number.isFinite(value);
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'blank text' : `a ${typeof value}`;
}

/** The same shape the offline synthesizer writes: one typed, described property per field. */
function answerSchema(groundTruth: GroundTruthField[], pointers: Pointer[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      groundTruth.map((g) => [g.field, { type: typeof g.value === 'number' ? 'number' : 'string', description: pointers.find((p) => p.field === g.field)!.description }]),
    ),
    required: groundTruth.map((g) => g.field),
    additionalProperties: false,
  };
}
