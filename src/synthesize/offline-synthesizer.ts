import { createHash } from 'node:crypto';
import type { Difficulty, JsonSchema, RecordedCall, Task } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { valuesAt } from '../explore/json-path.js';
import { isVolatile } from '../explore/volatile.js';
import { answerCandidates, uniqueFieldNames, type AnswerField } from './answer-fields.js';
import { answerRequest, answerTemplate, instructionBody } from './instruction.js';
import { givenArguments } from '../verify/given-values.js';
import { echoesArguments } from '../verify/echo.js';
import { isDiscovered, isTrivia } from '../verify/non-trivial.js';
import type { EpisodeRecord, Synthesizer } from './synthesizer.js';
import { trajectoryFor } from './trajectory.js';

/** The paper's tasks ask for 4.6 fields on average: up to five, where the recording has them. */
const MAX_FIELDS = 5;
const MAX_ANSWER_SETS = 2;

/**
 * The deterministic, template-driven synthesizer: one candidate task per successful call of an
 * episode (the answer observed in that call's output, the calls that led to it as the reference
 * trajectory). Its instructions are plain — numbered steps, each a short verb clause from the tool —
 * but their answers are observed values, and every task says `synthesizer: offline`.
 */
export class OfflineSynthesizer implements Synthesizer {
  readonly name = 'offline';

  async synthesize(episode: EpisodeRecord): Promise<Task[]> {
    const explored = episode.calls.filter((c) => c.phase === 'explore');
    const succeeded = explored.filter((c) => !c.isError);
    // How often each value was already asked for in this episode's tasks: later tasks prefer others,
    // so one id does not answer every task the episode gives.
    const asked = new Map<string, number>();
    return succeeded.flatMap((target) => {
      // Answers may come from the target and from any earlier successful call: reading two things
      // and reporting both is a two-step task even when no value flows between them.
      const before = succeeded.filter((c) => c.step <= target.step);
      const widest = trajectoryFor(target, explored, episode.tools, before);
      const widestBody = instructionBody(episode.server, widest, episode.tools);
      const given = givenArguments(widest).map((a) => a.value);
      // A step that hands back a volatile value an earlier step fed it (a generated id) echoes something volatile.
      const candidates = widest.map((step, i) => {
        const echoed = volatileInputs(step, widest, episode.volatile);
        return answerCandidates(outputValue(step.result), i, widestBody, episode.volatile?.get(step.tool)).filter((f) => !echoed.has(JSON.stringify(f.value)) && !echoesArguments(f.value, step.arguments));
      });
      return answerSets(candidates, (f) => isDiscovered(f.value, given) && !isTrivia(f.path, f.value), asked).flatMap((fields) => {
      const answering = [...new Set(fields.map((f) => widest[f.trajectoryStep]!.recorded.step))].map((step) => explored.find((c) => c.step === step)!);
      const trajectory = trajectoryFor(target, explored, episode.tools, answering);
      // One-call tasks only where the episode has nothing longer to offer.
      if (trajectory.length < 2 && succeeded.length > 1) return [];
      const position = new Map(trajectory.map((step, i) => [step.recorded.step, i]));
      const placed = fields.map((f) => ({ ...f, ...renumbered(f, position.get(widest[f.trajectoryStep]!.recorded.step)!) }));
      const instruction = `${instructionBody(episode.server, trajectory, episode.tools)}\n${answerRequest(placed)}`;
      for (const f of placed) asked.set(JSON.stringify(f.value), (asked.get(JSON.stringify(f.value)) ?? 0) + 1);
      return [this.task(episode, target, trajectory, placed, instruction)];
      });
    });
  }

  private task(episode: EpisodeRecord, target: RecordedCall, trajectory: Task['trajectory'], fields: AnswerField[], instruction: string): Task {
    const id = createHash('sha256')
      .update(JSON.stringify([episode.runId, episode.subDagIndex, target.step, fields.map((f) => f.path)]))
      .digest('hex')
      .slice(0, 16);
    return {
      id,
      runId: episode.runId,
      server: episode.server,
      subDagIndex: episode.subDagIndex,
      instruction,
      answerSchema: answerSchema(fields),
      groundTruth: fields.map((f) => ({ field: f.field, value: f.value, source: { trajectoryStep: f.trajectoryStep, path: f.path } })),
      answerTemplate: answerTemplate(fields),
      difficulty: difficulty(trajectory.length),
      trajectory,
      synthesizer: this.name,
    };
  }
}

/**
 * Up to MAX_ANSWER_SETS disjoint answer sets from the same observations (say, the first entity's
 * fields, then the second's): each a task of its own, asking for values the other does not.
 */
function answerSets(perStep: AnswerField[][], discovered: (field: AnswerField) => boolean, asked: ReadonlyMap<string, number>): AnswerField[][] {
  const sets: AnswerField[][] = [];
  const used = new Set<string>();
  const unused = (f: AnswerField) => !used.has(`${f.trajectoryStep}:${f.path}`) && !used.has(JSON.stringify(f.value));
  for (let i = 0; i < MAX_ANSWER_SETS; i++) {
    const fields = chooseFields(perStep.map((step) => step.filter(unused)), discovered, asked);
    if (fields.length === 0) break;
    sets.push(fields);
    for (const f of fields) used.add(`${f.trajectoryStep}:${f.path}`).add(JSON.stringify(f.value));
  }
  return sets;
}

/**
 * Up to MAX_FIELDS discovered answers with distinct values, and distinct names within a step: the
 * last step's first (it is what the task builds up to); none unless the last step has one. Values
 * the episode's earlier tasks asked for less come first. Status lines and echoes are never padding:
 * an answer anyone could guess teaches nothing.
 */
function chooseFields(perStep: AnswerField[][], discovered: (field: AnswerField) => boolean, asked: ReadonlyMap<string, number>): AnswerField[] {
  const timesAsked = (f: AnswerField) => asked.get(JSON.stringify(f.value)) ?? 0;
  const fresher = (fields: AnswerField[]) => [...fields].sort((a, b) => timesAsked(a) - timesAsked(b));
  const last = fresher((perStep.at(-1) ?? []).filter(discovered));
  if (last.length === 0) return [];
  const ordered = [...last.slice(0, 2), ...fresher(perStep.slice(0, -1).reverse().flat().filter(discovered)), ...last.slice(2)];
  const chosen: AnswerField[] = [];
  const values = new Set<string>();
  const names = new Set<string>();
  for (const field of ordered) {
    const value = JSON.stringify(field.value);
    const name = `${field.trajectoryStep}:${field.field}`;
    if (values.has(value) || names.has(name)) continue;
    values.add(value);
    names.add(name);
    chosen.push(field);
    if (chosen.length === MAX_FIELDS) break;
  }
  return uniqueFieldNames(chosen);
}

/** The values (as JSON) fed into a step's arguments from volatile outputs of earlier steps. */
function volatileInputs(step: Task['trajectory'][number], trajectory: Task['trajectory'], volatile: EpisodeRecord['volatile']): Set<string> {
  return new Set(
    step.links
      .filter((link) => isVolatile(link.outputPath, volatile?.get(trajectory[link.fromTrajectoryStep]?.tool ?? '')))
      .flatMap((link) => valuesAt(step.arguments, link.argument).map((found) => JSON.stringify(found.value))),
  );
}

/** A field moved to another trajectory position, with its description saying the new step number. */
function renumbered(field: AnswerField, trajectoryStep: number): Pick<AnswerField, 'trajectoryStep' | 'description'> {
  return { trajectoryStep, description: field.description.replace(/step \d+$/, `step ${trajectoryStep + 1}`) };
}

function answerSchema(fields: AnswerField[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.field, { type: typeof f.value === 'number' ? 'number' : 'string', description: f.description }])),
    required: fields.map((f) => f.field),
    additionalProperties: false,
  };
}

function difficulty(steps: number): Difficulty {
  if (steps <= 1) return 'easy';
  return steps <= 3 ? 'medium' : 'hard';
}
