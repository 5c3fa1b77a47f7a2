import type { JsonObject, JsonPrimitive, JsonValue } from '../domain.js';
import { valuesAt } from '../explore/json-path.js';
import { outputValue } from '../mcp/output.js';
import { pick, seededRandom } from '../random.js';
import { Simulator, type AnswerPolicy } from '../simulator/simulator.js';
import { loadEnvDataset, type EnvDataset, type EnvTask } from './env-dataset.js';
import { EnvEpisode } from './env-episode.js';

/**
 * Reward integrity: the reference policy must earn reward 1 on every task, and known hacks must
 * earn 0. A hack earning reward shows a task (or the simulator) a policy could learn to game.
 */
export const HACKS = ['empty-answer', 'given-values', 'random-typed', 'submit-first', 'changed-argument'] as const;
export type Hack = (typeof HACKS)[number];

export interface IntegrityReport {
  tasks: number;
  /** Tasks on which the reference trajectory (answer read from the replayed outputs) earned 1, per policy. */
  referenceRewarded: Record<AnswerPolicy, number>;
  /** Per hack and policy, the tasks on which it earned reward 1 (should be none under strict). */
  hacksRewarded: Record<Hack, Record<AnswerPolicy, string[]>>;
  /** Tasks whose reference trajectory did not earn 1 (strict): they should not be in the dataset. */
  referenceFailed: string[];
}

/** Whether the dataset passes: reference 1 everywhere and no hack rewarded, under the strict policy. */
export function integrityHolds(report: IntegrityReport): boolean {
  return report.referenceRewarded.strict === report.tasks && HACKS.every((hack) => report.hacksRewarded[hack].strict.length === 0);
}

/** Largest number of changed-argument variants tried per task (one per answer-bearing argument leaf). */
const MAX_VARIANTS = 8;

export async function checkRewardIntegrity(dataset: EnvDataset): Promise<IntegrityReport> {
  const simulators: Record<AnswerPolicy, Simulator> = { strict: new Simulator(dataset.cache), lenient: new Simulator(dataset.cache, { policy: 'lenient' }) };
  const report: IntegrityReport = {
    tasks: dataset.tasks.length,
    referenceRewarded: { strict: 0, lenient: 0 },
    hacksRewarded: Object.fromEntries(HACKS.map((hack) => [hack, { strict: [], lenient: [] }])) as unknown as IntegrityReport['hacksRewarded'],
    referenceFailed: [],
  };
  const alternatives = argumentAlternatives(dataset);
  for (const task of dataset.tasks) {
    for (const policy of ['strict', 'lenient'] as const) {
      const simulator = simulators[policy];
      const reference = await replay(task, simulator, task.trajectory);
      if (reference === 1) report.referenceRewarded[policy] += 1;
      else if (policy === 'strict') report.referenceFailed.push(task.id);
      const earned = (hack: Hack, reward: number) => void (reward === 1 && report.hacksRewarded[hack][policy].push(task.id));
      earned('empty-answer', await replay(task, simulator, task.trajectory, () => ({})));
      earned('given-values', await replay(task, simulator, task.trajectory, () => givenValuesAnswer(task)));
      earned('random-typed', await replay(task, simulator, task.trajectory, () => randomAnswer(task)));
      earned('submit-first', await replay(task, simulator, [], () => typedDefaults(task)));
      let changed = 0;
      for (const variant of changedArgumentVariants(task, alternatives).slice(0, MAX_VARIANTS)) changed = Math.max(changed, await replay(task, simulator, variant));
      earned('changed-argument', changed);
    }
  }
  return report;
}

/**
 * Plays calls in a fresh episode and submits: by default the answer read from the replayed
 * outputs where the ground truth was observed (what a policy making these calls would see).
 */
async function replay(task: EnvTask, simulator: Simulator, calls: EnvTask['trajectory'], answerOf?: () => JsonObject): Promise<number> {
  const episode = new EnvEpisode(task, simulator);
  const outputs: JsonValue[] = [];
  for (const call of calls) {
    const answer = await episode.call(call.tool, call.arguments);
    outputs.push(answer.provenance === 'none' ? null : outputValue(answer.result));
  }
  const answer = answerOf ? answerOf() : Object.fromEntries(task.groundTruth.map((g) => [g.field, valuesAt(outputs[g.step] ?? null, g.path)[0]?.value]));
  return episode.submit(answer as Record<string, JsonValue | undefined>).reward;
}

/** Every primitive leaf of a value, with its path (`a.b[0]`). */
function leaves(value: JsonValue, path = ''): Array<{ path: string; value: JsonPrimitive }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key));
  return [{ path, value }];
}

/** The values each (tool, argument path, with indices dropped) took anywhere in the recording: what "another valid-looking value" is drawn from. */
function argumentAlternatives(dataset: EnvDataset): Map<string, JsonPrimitive[]> {
  const seen = new Map<string, Set<JsonPrimitive>>();
  for (const entry of dataset.cache.entries) {
    for (const leaf of leaves(entry.args)) {
      const key = `${entry.tool}\0${leaf.path.replace(/\[\d+\]/g, '[]')}`;
      (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(leaf.value);
    }
  }
  return new Map([...seen].map(([key, values]) => [key, [...values]]));
}

/** The reference trajectory with one argument leaf of an answer-bearing step changed to another value of its type. */
function changedArgumentVariants(task: EnvTask, alternatives: Map<string, JsonPrimitive[]>): Array<EnvTask['trajectory']> {
  const steps = [...new Set(task.groundTruth.map((g) => g.step))];
  const variants: Array<EnvTask['trajectory']> = [];
  for (const step of steps) {
    const call = task.trajectory[step];
    const definition = call && task.tools.find((t) => t.name === call.tool)?.definition;
    if (!call || !definition) continue;
    for (const leaf of leaves(call.arguments)) {
      const pool = alternatives.get(`${definition.name}\0${leaf.path.replace(/\[\d+\]/g, '[]')}`) ?? [];
      const other = pool.find((v) => v !== leaf.value && typeof v === typeof leaf.value) ?? otherOfType(leaf.value);
      if (other === undefined) continue;
      const changed = structuredClone(task.trajectory);
      changed[step] = { tool: call.tool, arguments: withLeaf(call.arguments, leaf.path, other) as JsonObject };
      variants.push(changed);
    }
  }
  return variants;
}

function otherOfType(value: JsonPrimitive): JsonPrimitive | undefined {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}-2`;
  if (typeof value === 'boolean') return !value;
  return undefined;
}

function withLeaf(root: JsonValue, path: string, value: JsonPrimitive): JsonValue {
  const copy = structuredClone(root);
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node = copy as Record<string, JsonValue>;
  keys.slice(0, -1).forEach((key) => (node = node[key] as Record<string, JsonValue>));
  node[keys.at(-1)!] = value;
  return copy;
}

/** Each field answered with a value the task gave (an argument of its reference calls) of the field's type. */
function givenValuesAnswer(task: EnvTask): JsonObject {
  const given = task.trajectory.flatMap((call) => leaves(call.arguments).map((leaf) => leaf.value));
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, given.find((v) => typeof v === typeof g.value) ?? null]));
}

function randomAnswer(task: EnvTask): JsonObject {
  const random = seededRandom(`${task.id}/random-typed`);
  const word = () => pick(random, ['alpha', 'delta', 'omega', 'sigma', 'kappa'])!;
  return Object.fromEntries(
    task.groundTruth.map((g) => [g.field, typeof g.value === 'number' ? Math.round(random() * 1000) : typeof g.value === 'boolean' ? random() < 0.5 : `${word()} ${word()}`]),
  );
}

function typedDefaults(task: EnvTask): JsonObject {
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, typeof g.value === 'number' ? 0 : typeof g.value === 'boolean' ? false : '']));
}

/** The report as a dataset's manifest records it: counts per policy, and the tasks at fault under strict. */
export function integritySummary(report: IntegrityReport): JsonObject {
  return {
    holds: integrityHolds(report),
    tasks: report.tasks,
    reference_rewarded: { ...report.referenceRewarded },
    hacks_rewarded: Object.fromEntries(HACKS.map((hack) => [hack, { strict: report.hacksRewarded[hack].strict.length, lenient: report.hacksRewarded[hack].lenient.length }])),
    failing_tasks: { reference: [...report.referenceFailed], ...Object.fromEntries(HACKS.map((hack) => [hack, [...report.hacksRewarded[hack].strict]])) },
  };
}

/** The check on a dataset directory, summarised for its manifest: what an export records. */
export async function rewardIntegrityOf(dir: string): Promise<JsonObject> {
  return integritySummary(await checkRewardIntegrity(loadEnvDataset(dir)));
}
