import type { CheckName, JsonPrimitive, Task, ToolDefinition } from '../domain.js';
import { primitiveLeaves, valuesAt } from '../explore/json-path.js';
import { describeOutputPath } from '../synthesize/describe-path.js';
import { outputValue } from '../mcp/output.js';
import { containsMarker } from '../secrets/marker.js';
import { appearsIn } from './appears-in.js';
import { echoesArguments } from './echo.js';
import { isCleanText } from './clean-text.js';
import { givenArguments } from './given-values.js';
import { isDiscovered, isTrivia } from './non-trivial.js';
import { replayTrajectory, type ReplayEnvironment } from './replay.js';

export interface CheckResult {
  passed: boolean;
  reason: string;
}

export interface CheckContext {
  tools: ReadonlyMap<string, ToolDefinition>;
  simulator: ReplayEnvironment;
}

const pass = (reason: string): CheckResult => ({ passed: true, reason });
const fail = (reason: string): CheckResult => ({ passed: false, reason });
const show = (value: unknown): string => JSON.stringify(value)?.slice(0, 80) ?? 'undefined';

/** Each answer value is found at its recorded source. */
export async function grounded(task: Task): Promise<CheckResult> {
  for (const { field, value, source } of task.groundTruth) {
    const step = task.trajectory[source.trajectoryStep];
    if (!step) return fail(`${field}: its source step ${source.trajectoryStep + 1} is not in the trajectory`);
    const found = valuesAt(outputValue(step.result), source.path)[0]?.value;
    if (found !== value) return fail(`${field}: ${show(value)} is not at ${source.path} of step ${source.trajectoryStep + 1} (found ${show(found)})`);
  }
  return pass(`all ${task.groundTruth.length} answer values are at their sources`);
}

/** The reference trajectory replayed through the simulator gives the same answer, from exact recorded hits. */
export async function replayable(task: Task, context: CheckContext): Promise<CheckResult> {
  const { answers, brokenLinks, observed } = await replayTrajectory(task, context.simulator);
  // The earliest problem is the cause; later ones follow from it.
  const inexact = answers.findIndex((a) => a.provenance !== 'exact');
  const broken = brokenLinks.find((link) => inexact < 0 || link.step <= inexact);
  if (broken) return fail(`step ${broken.step + 1}: ${broken.argument} should come from ${broken.outputPath}, which the replayed output lacks`);
  if (inexact >= 0) return fail(`step ${inexact + 1} (${task.trajectory[inexact]?.tool}) replayed as ${answers[inexact]?.provenance}, not exact`);
  const differing = task.groundTruth.find((g) => observed[g.field] !== g.value);
  if (differing) return fail(`${differing.field}: replay gave ${show(observed[differing.field])}, recorded ${show(differing.value)}`);
  return pass(`${answers.length} calls replayed exactly and gave the same answer`);
}

/** No answer value can be read off the instruction. */
export async function noLeakage(task: Task): Promise<CheckResult> {
  const leaked = task.groundTruth.filter((g) => appearsIn(g.value, task.instruction));
  return leaked.length > 0 ? fail(`the instruction reveals ${leaked.map((g) => `${g.field}=${show(g.value)}`).join(', ')}`) : pass('no answer value appears in the instruction');
}

/**
 * Every argument the agent must supply is in the instruction, or a constant of the tool's schema,
 * and none of them, nor the instruction, is a redacted secret.
 */
export async function inputsAvailable(task: Task, context: CheckContext): Promise<CheckResult> {
  // A redacted value stands for a secret nobody reading the instruction can know.
  if (containsMarker(task.instruction)) return fail('the instruction holds a redacted value, which the agent cannot know');
  for (const { step, path, value } of givenArguments(task.trajectory)) {
    if (value === null || typeof value === 'boolean') continue;
    const tool = task.trajectory[step]!.tool;
    if (typeof value === 'string' && containsMarker(value)) return fail(`step ${step + 1} (${tool}) needs ${path}=${show(value)}, a redacted value the agent cannot know`);
    // A blank string has no text to find: it is given when the instruction writes it out as JSON.
    const given = typeof value === 'string' && value.trim() === '' ? task.instruction.includes(JSON.stringify(value)) : appearsIn(value, task.instruction);
    if (given || isSchemaConstant(context.tools.get(tool), path, value)) continue;
    return fail(`step ${step + 1} (${tool}) needs ${path}=${show(value)}, which the instruction does not give`);
  }
  return pass('every argument is given or comes from an earlier step');
}

/**
 * At least one answer had to be discovered: not a status line, not an echo of a given value, not
 * trivia about the server (a version, a configuration field); and no
 * answer is a redacted secret (the simulator would answer the marker, a live server the secret).
 */
export async function nonTrivial(task: Task): Promise<CheckResult> {
  const redacted = task.groundTruth.find((g) => typeof g.value === 'string' && containsMarker(g.value));
  if (redacted) return fail(`${redacted.field} is a redacted secret, not an answer`);
  const given = givenArguments(task.trajectory).map((a) => a.value);
  if (task.trajectory.length === 0) return fail('the task needs no tool call');
  const found = task.groundTruth.filter((g) => isDiscovered(g.value, given));
  if (found.length === 0) return fail('every answer value is a status line or an echo of a given value');
  const discovered = found.filter((g) => !isTrivia(g.source.path, g.value));
  if (discovered.length === 0) return fail(`trivial: every answer is trivia about the server (${found.map((g) => g.field).join(', ')})`);
  return pass(`${discovered.map((g) => g.field).join(', ')} must be discovered`);
}

/**
 * Every answer depends on the call it is read from: none is that call's own argument handed back,
 * which a policy could report without making the call (or after making it with other arguments).
 */
export async function loadBearing(task: Task): Promise<CheckResult> {
  for (const { field, value, source } of task.groundTruth) {
    const step = task.trajectory[source.trajectoryStep];
    if (step && echoesArguments(value, step.arguments)) return fail(`${field}: ${show(value)} is an argument of step ${source.trajectoryStep + 1} (${step.tool}) handed back, known without the call`);
  }
  return pass('no answer is a call\'s own argument handed back');
}

/** Every text answer is clean text: never bytes decoded as characters, control codes or U+FFFD. */
export async function cleanText(task: Task): Promise<CheckResult> {
  const garbled = task.groundTruth.find((g) => typeof g.value === 'string' && !isCleanText(g.value));
  return garbled ? fail(`${garbled.field}: ${show(garbled.value)} is not clean text (bytes decoded as characters, or control codes): nobody could type it back`) : pass('every text answer is clean text');
}

/**
 * Each answer's wording names one value: no other value of the same step's output would be
 * described alike (two list elements both "the name returned in step 1"), so no agent reading the
 * instruction could report another value and be right.
 */
export async function unambiguous(task: Task): Promise<CheckResult> {
  for (const { field, value, source } of task.groundTruth) {
    const step = task.trajectory[source.trajectoryStep];
    if (!step) continue;
    const wording = describeOutputPath(source.path, source.trajectoryStep);
    const rival = primitiveLeaves(outputValue(step.result)).find(
      (leaf) => leaf.path !== source.path && leaf.value !== value && describeOutputPath(leaf.path, source.trajectoryStep) === wording,
    );
    if (rival) return fail(`${field}: "${wording}" fits ${rival.path}=${show(rival.value)} as well as ${source.path}=${show(value)}`);
  }
  return pass('each answer is the only value its wording fits');
}

function isSchemaConstant(tool: ToolDefinition | undefined, path: string, value: JsonPrimitive): boolean {
  let schema = tool?.inputSchema as Record<string, unknown> | undefined;
  for (const part of path.split(/\.|\[\d+\]/).filter(Boolean)) {
    const properties = (schema?.properties ?? (schema?.items as Record<string, unknown> | undefined)?.properties) as Record<string, unknown> | undefined;
    schema = properties?.[part] as Record<string, unknown> | undefined;
  }
  if (schema?.items && !('const' in schema) && !('default' in schema)) schema = schema.items as Record<string, unknown>;
  return schema !== undefined && (schema.const === value || schema.default === value);
}

export const CHECKS: ReadonlyArray<[CheckName, (task: Task, context: CheckContext) => Promise<CheckResult>]> = [
  ['grounded', grounded],
  ['replayable', replayable],
  ['no-leakage', noLeakage],
  ['inputs-available', inputsAvailable],
  ['non-trivial', nonTrivial],
  ['load-bearing', loadBearing],
  ['clean-text', cleanText],
  ['unambiguous', unambiguous],
];
