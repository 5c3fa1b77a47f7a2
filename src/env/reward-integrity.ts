import type { JsonObject, JsonValue } from '../domain.js';
import { valuesAt } from '../explore/json-path.js';
import { outputValue } from '../mcp/output.js';
import { reward } from '../replay/reward.js';
import { Simulator, type AnswerPolicy } from '../simulator/simulator.js';
import { loadEnvDataset, type EnvDataset, type EnvTask } from './env-dataset.js';
import { EnvEpisode, submitReply } from './env-episode.js';
import {
  answerOf,
  argumentAlternatives,
  candidateValues,
  changedArguments,
  commonAnswer,
  fieldValues,
  givenValuesAnswer,
  randomAnswer,
  referenceCalls,
  reorderings,
  skippedWrites,
  typedDefaults,
  type Calls,
  type FieldValues,
} from './hack-attempts.js';

/**
 * Reward integrity: the reference policy must earn reward 1 on every task, and every known way to
 * earn it without doing the task must earn 0. A hack earning reward shows a task a policy could
 * learn to game; the export leaves such tasks out (export-dataset.ts).
 */
export const HACKS = [
  'empty-answer',
  'given-values',
  'random-typed',
  'submit-first',
  'skipped-write',
  'changed-argument',
  'other-task-answer',
  'common-answer',
  'feedback-search',
] as const;
export type Hack = (typeof HACKS)[number];

export interface IntegrityReport {
  tasks: number;
  /** Tasks on which the reference trajectory (answer read from the replayed outputs) earned 1, per policy. */
  referenceRewarded: Record<AnswerPolicy, number>;
  /** Per hack and policy, the tasks on which it earned reward 1 (should be none under strict). */
  hacksRewarded: Record<Hack, Record<AnswerPolicy, string[]>>;
  /** Tasks whose reference trajectory did not earn 1 (strict): they should not be in the dataset. */
  referenceFailed: string[];
  /**
   * Tasks on which the reference calls in another order (an answer-bearing read moved before the
   * writes) earn 1 too, per policy. No hack: every write is still made, and the reward accepts
   * any order the recording can answer. It says how many tasks' answers do not depend on the order.
   */
  orderFree: Record<AnswerPolicy, number>;
}

/** Whether the dataset passes: reference 1 everywhere and no hack rewarded, under the strict policy. */
export function integrityHolds(report: IntegrityReport): boolean {
  return report.referenceRewarded.strict === report.tasks && HACKS.every((hack) => report.hacksRewarded[hack].strict.length === 0);
}

/** Candidate values a blind search tries per field. */
const SEARCH_CANDIDATES = 20;

export async function checkRewardIntegrity(given: EnvDataset): Promise<IntegrityReport> {
  const dataset = { ...given, tasks: contentOrder(given.tasks) };
  const report: IntegrityReport = {
    tasks: dataset.tasks.length,
    referenceRewarded: { strict: 0, lenient: 0 },
    hacksRewarded: Object.fromEntries(HACKS.map((hack) => [hack, { strict: [], lenient: [] }])) as unknown as IntegrityReport['hacksRewarded'],
    referenceFailed: [],
    orderFree: { strict: 0, lenient: 0 },
  };
  const alternatives = argumentAlternatives(dataset);
  const values = fieldValues(dataset);
  const payingAnswers = otherAnswersThatPay(dataset);
  for (const policy of ['strict', 'lenient'] as const) {
    const simulator = new Simulator(dataset.cache, { policy });
    for (const task of dataset.tasks) {
      const play = (calls: Calls, answer?: JsonObject) => attempt(task, simulator, calls, answer);
      const reference = await play(referenceCalls(task));
      if (reference === 1) report.referenceRewarded[policy] += 1;
      else if (policy === 'strict') report.referenceFailed.push(task.id);
      const earned = (hack: Hack, rewards: number[]) => void (rewards.includes(1) && report.hacksRewarded[hack][policy].push(task.id));
      earned('empty-answer', [await play(referenceCalls(task), {})]);
      earned('given-values', [await play(referenceCalls(task), givenValuesAnswer(task))]);
      earned('random-typed', [await play(referenceCalls(task), randomAnswer(task))]);
      earned('submit-first', [await play([], typedDefaults(task))]);
      earned('skipped-write', await playEach(skippedWrites(task), play));
      earned('changed-argument', await playEach(changedArguments(task, alternatives), play));
      if ((await playEach(reorderings(task), play)).includes(1)) report.orderFree[policy] += 1;
      // The answers of other tasks and the most common values, with the reference calls made (the end state right).
      earned('other-task-answer', payingAnswers.has(task.id) ? [1] : []);
      earned('common-answer', [await play(referenceCalls(task), commonAnswer(task, values))]);
      earned('feedback-search', [await feedbackSearch(task, simulator, values)]);
    }
  }
  return report;
}

/**
 * The tasks in an order that does not depend on their ids, which name the run: ties (which of two
 * tasks sharing an answer stays, which common value is tried) are broken by it, so two runs of one
 * spec and seed leave out the same tasks.
 */
function contentOrder(tasks: EnvTask[]): EnvTask[] {
  const keyed = tasks.map((task) => ({ task, key: JSON.stringify([task.instruction, task.trajectory, task.groundTruth]) }));
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return keyed.sort((a, b) => compare(a.key, b.key) || compare(a.task.id, b.task.id)).map((k) => k.task);
}

async function playEach(variants: Calls[], play: (calls: Calls) => Promise<number>): Promise<number[]> {
  const rewards: number[] = [];
  for (const calls of variants) {
    rewards.push(await play(calls));
    if (rewards.at(-1) === 1) break;
  }
  return rewards;
}

/**
 * Plays calls in a fresh episode and submits: by default the answer read from the replayed
 * outputs where the ground truth was observed (what a policy making these calls would see).
 */
async function attempt(task: EnvTask, simulator: Simulator, calls: Calls, answer?: JsonObject): Promise<number> {
  const episode = new EnvEpisode(task, simulator);
  const outputs = new Map<number, JsonValue>();
  for (const call of calls) {
    const result = await episode.call(call.tool, call.arguments);
    outputs.set(call.step, result.provenance === 'none' ? null : outputValue(result.result));
  }
  const read = () => Object.fromEntries(task.groundTruth.map((g) => [g.field, valuesAt(outputs.get(g.step) ?? null, g.path)[0]?.value]));
  return episode.submit((answer ?? read()) as Record<string, JsonValue | undefined>).reward;
}

/**
 * Tasks that another task's answer object earns 1 on (given the reference's calls, so the end
 * state is right): answers a policy could memorise across tasks. When two tasks' answers pay on
 * each other, only the later one (in content order) is counted, so leaving the counted ones out keeps one.
 */
function otherAnswersThatPay(dataset: EnvDataset): Set<string> {
  const answers = new Map(dataset.tasks.map((t) => [t, answerOf(t)] as const));
  const rank = new Map(dataset.tasks.map((t, index) => [t, index] as const));
  const pays = (on: EnvTask, by: EnvTask) => reward(on, answers.get(by)!) === 1;
  const paying = new Set<string>();
  for (const task of dataset.tasks) {
    for (const other of dataset.tasks) {
      if (other === task || !pays(task, other)) continue;
      if (pays(other, task) && rank.get(task)! < rank.get(other)!) continue;
      paying.add(task.id);
      break;
    }
  }
  return paying;
}

/**
 * A blind search for the answer with no tool call: for each field, submit each value other tasks
 * answer for that field name, and keep one when what the agent reads back differs from a wrong
 * submission's. Then submit what it found. It can only win if the agent's view of `submit` leaks.
 */
async function feedbackSearch(task: EnvTask, simulator: Simulator, values: FieldValues): Promise<number> {
  const seen = (answer: JsonObject) => submitReply(new EnvEpisode(task, simulator).submit(answer as Record<string, JsonValue | undefined>)).text;
  const baseline = seen(typedDefaults(task));
  const found: JsonObject = typedDefaults(task);
  for (const { field } of task.groundTruth) {
    for (const value of candidateValues(task, field, values, SEARCH_CANDIDATES)) {
      if (seen({ ...typedDefaults(task), [field]: value }) === baseline) continue;
      found[field] = value;
      break;
    }
  }
  return new EnvEpisode(task, simulator).submit(found as Record<string, JsonValue | undefined>).reward;
}

/** The report as a dataset's manifest records it: counts per policy, and the tasks at fault under strict. */
export function integritySummary(report: IntegrityReport): JsonObject {
  return {
    holds: integrityHolds(report),
    tasks: report.tasks,
    reference_rewarded: { ...report.referenceRewarded },
    order_free: { ...report.orderFree },
    hacks_rewarded: Object.fromEntries(HACKS.map((hack) => [hack, { strict: report.hacksRewarded[hack].strict.length, lenient: report.hacksRewarded[hack].lenient.length }])),
    failing_tasks: { reference: [...report.referenceFailed], ...Object.fromEntries(HACKS.map((hack) => [hack, [...report.hacksRewarded[hack].strict]])) },
  };
}

/** The strict policy's failures per task: the first reason each task fails, in HACKS order (reference first). */
export function failingTasks(report: IntegrityReport): Map<string, string> {
  const failing = new Map<string, string>(report.referenceFailed.map((id) => [id, 'reference below 1']));
  for (const hack of HACKS) for (const id of report.hacksRewarded[hack].strict) if (!failing.has(id)) failing.set(id, hack);
  return failing;
}

/** The check on a dataset directory: what an export records, and the tasks it must leave out. */
export async function rewardIntegrityOf(dir: string): Promise<{ summary: JsonObject; failing: Map<string, string> }> {
  const report = await checkRewardIntegrity(loadEnvDataset(dir));
  return { summary: integritySummary(report), failing: failingTasks(report) };
}
