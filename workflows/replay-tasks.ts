import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ReplayCounts, ReplayModel } from '../activities/replay.js';
import type { LedgerEntry, LedgerSnapshot } from '../src/llm/usage-ledger.js';
import {
  DEFAULT_REPLAY_POLICIES,
  failureTypes,
  llmTaskQueue,
  MAX_REPLAY_SAMPLES,
  REPLAY_POLICIES,
  type PolicyScore,
  type ReplayPolicy,
  type ReplayTasksInput,
} from '../src/api.js';
import { rootApplicationFailure } from './failures.js';

const { countVerifiedTasks, replayTaskBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const BATCHES_AT_ONCE = 4;
/** llm-agent's tasks per activity when input.batchSize is not given: each task is `samples` conversations. */
const LLM_BATCH_SIZE = 5;

interface ReplayOptions {
  runId: string;
  policies: ReplayPolicy[];
  batchSize: number;
  /** Tasks per llm-agent activity. */
  llmBatchSize: number;
  samples: number;
  llm: unknown;
}

/**
 * Replays a run's verified tasks against its simulator, once per policy, and scores each with the
 * binary reward. The reference policy must score 1 on every task; the others are baselines, and
 * llm-agent is the model under evaluation, with pass@1 and pass@k over `samples` attempts per task.
 */
export async function replayTasks(input: ReplayTasksInput): Promise<PolicyScore[]> {
  const options = replayOptions(input);
  const { runId, policies, batchSize } = options;
  const total = await countVerifiedTasks({ runId });
  if (total === 0) throw invalid(`run ${runId} has no verified tasks: give the workflow ID of a finished generateServerDataset run`);
  // Before any batch: a replay that cannot have its model fails now, not after the free policies ran.
  const model = policies.includes('llm-agent') ? await resolveModel(options) : undefined;
  const scores: PolicyScore[] = [];
  for (const policy of policies) {
    if (policy === 'llm-agent') {
      scores.push(await replayWithModel(options, total, model!));
      continue;
    }
    const batches = await inBatches(total, batchSize, (offset) => replayTaskBatch({ runId, policy, offset, limit: batchSize }));
    scores.push(scoreOf(policy, batches, 1));
  }
  return scores;
}

/** A few batches at a time: each holds the run's whole simulator in memory. */
async function inBatches(total: number, batchSize: number, replay: (offset: number) => Promise<ReplayCounts>): Promise<ReplayCounts[]> {
  const batches: ReplayCounts[] = [];
  for (let first = 0; first < total; first += batchSize * BATCHES_AT_ONCE) {
    const offsets = Array.from({ length: BATCHES_AT_ONCE }, (_, i) => first + i * batchSize).filter((offset) => offset < total);
    batches.push(...(await Promise.all(offsets.map(replay))));
  }
  return batches;
}

/** Model work goes to the LLM task queue, whose workers are capped apart from the run's own. */
function modelActivities() {
  const taskQueue = llmTaskQueue(workflowInfo().taskQueue);
  return {
    resolve: proxyActivities<Activities>({
      taskQueue,
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
    }),
    // Long: a batch is tasks × samples conversations. A retry resumes after the last counted task.
    batches: proxyActivities<Activities>({
      taskQueue,
      startToCloseTimeout: '2 hours',
      heartbeatTimeout: '1 minute',
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
    }),
  };
}

async function resolveModel(options: ReplayOptions): Promise<ReplayModel> {
  try {
    return await modelActivities().resolve.resolveReplayLlm({ runId: options.runId, ...(options.llm === undefined ? {} : { llm: options.llm }) });
  } catch (error) {
    throw clearly(error, '');
  }
}

async function replayWithModel(options: ReplayOptions, total: number, model: ReplayModel): Promise<PolicyScore> {
  const { runId, llmBatchSize, samples } = options;
  const { batches } = modelActivities();
  try {
    const counts = await inBatches(total, llmBatchSize, (offset) =>
      batches.replayTaskBatch({ runId, policy: 'llm-agent', offset, limit: llmBatchSize, samples, llm: model.config }),
    );
    const score = scoreOf('llm-agent', counts, samples);
    score.llm = { provider: model.provider, model: model.model, usage: mergedUsage(counts.map((c) => c.usage)) };
    return score;
  } catch (error) {
    throw clearly(error, `llm-agent (${model.provider} model ${model.model}) failed: `);
  }
}

/** One policy's score from its batches; the deterministic policies' batches have one attempt per task. */
function scoreOf(policy: ReplayPolicy, batches: ReplayCounts[], samples: number): PolicyScore {
  const score: PolicyScore = {
    policy,
    tasks: 0,
    samples,
    passed: 0,
    passRate: 0,
    passAt1: 0,
    passAtK: 0,
    passedBySample: new Array<number>(samples).fill(0),
    tasksByPassCount: new Array<number>(samples + 1).fill(0),
    provenance: { exact: 0, retrieved: 0, generated: 0, none: 0 },
    failedExamples: [],
  };
  let passAtKSum = 0;
  for (const batch of batches) {
    score.tasks += batch.tasks;
    score.passed += batch.passed;
    for (const key of Object.keys(score.provenance) as Array<keyof PolicyScore['provenance']>) score.provenance[key] += batch.provenance[key];
    score.failedExamples.push(...batch.failedExamples.slice(0, 5 - score.failedExamples.length));
    // One attempt per task: it passed or it did not.
    const sampled = batch.sampled ?? { passedBySample: [batch.passed], tasksByPassCount: [batch.tasks - batch.passed, batch.passed], passAtKSum: batch.passed };
    sampled.passedBySample.forEach((n, j) => (score.passedBySample[j]! += n));
    sampled.tasksByPassCount.forEach((n, c) => (score.tasksByPassCount[c]! += n));
    passAtKSum += sampled.passAtKSum;
  }
  score.passRate = score.tasks === 0 ? 0 : score.passed / (score.tasks * samples);
  score.passAt1 = score.passRate;
  score.passAtK = score.tasks === 0 ? 0 : passAtKSum / score.tasks;
  return score;
}

/**
 * The batches' ledgers added up: entries by stage and model, costs summed as each batch priced them
 * (to the millionth of a dollar, as a ledger rounds).
 */
function mergedUsage(snapshots: Array<LedgerSnapshot | undefined>): LedgerSnapshot {
  const entries = new Map<string, LedgerEntry>();
  const total = { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
  const unpriced = new Set<string>();
  const add = (into: Omit<LedgerEntry, 'stage' | 'model'>, from: Omit<LedgerEntry, 'stage' | 'model'>) => {
    into.calls += from.calls;
    into.inputTokens += from.inputTokens;
    into.outputTokens += from.outputTokens;
    into.cacheReadTokens += from.cacheReadTokens;
    into.cacheWriteTokens += from.cacheWriteTokens;
    into.costUsd = Math.round((into.costUsd + from.costUsd) * 1_000_000) / 1_000_000;
  };
  for (const snapshot of snapshots) {
    if (!snapshot) continue;
    for (const entry of snapshot.entries) {
      const key = `${entry.stage}\u0000${entry.model}`;
      const into = entries.get(key) ?? { ...entry, calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
      add(into, entry);
      entries.set(key, into);
    }
    add(total, snapshot.total);
    for (const model of snapshot.unpricedModels) unpriced.add(model);
  }
  const sorted = [...entries.values()].sort((a, b) => (a.stage === b.stage ? (a.model < b.model ? -1 : 1) : a.stage < b.stage ? -1 : 1));
  return { entries: sorted, total, unpricedModels: [...unpriced].sort() };
}

/**
 * A failed model activity, restated with its innermost message: that is what says what to fix
 * (the key, the field), where an ActivityFailure only says an activity failed.
 */
function clearly(error: unknown, prefix: string): unknown {
  const root = rootApplicationFailure(error);
  if (!root) return error;
  return ApplicationFailure.create({ type: root.type ?? undefined, message: `${prefix}${root.message}`, nonRetryable: true, details: root.details ?? undefined, cause: error as Error });
}

/** Checks the input before anything runs; a bad one fails the run at once, naming the field. */
function replayOptions(input: ReplayTasksInput | undefined): ReplayOptions {
  if (!input || typeof input !== 'object' || typeof input.runId !== 'string' || input.runId === '') {
    throw invalid('input.runId is missing: give the workflow ID of a finished generateServerDataset run, e.g. {"runId": "memory-1"}');
  }
  const policies = input.policies ?? [...DEFAULT_REPLAY_POLICIES];
  const unknown = Array.isArray(policies) ? policies.filter((p) => !REPLAY_POLICIES.includes(p)) : [String(policies)];
  if (unknown.length > 0) throw invalid(`input.policies has ${unknown.join(', ')}: valid policies are ${REPLAY_POLICIES.join(', ')}`);
  const batchSize = input.batchSize ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000) {
    throw invalid(`input.batchSize must be a whole number from 1 to 1000, got ${JSON.stringify(batchSize)}`);
  }
  const samples = input.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_REPLAY_SAMPLES) {
    throw invalid(`input.samples (attempts per task for llm-agent, the k of pass@k) must be a whole number from 1 to ${MAX_REPLAY_SAMPLES}, got ${JSON.stringify(samples)}`);
  }
  return { runId: input.runId, policies, batchSize, llmBatchSize: input.batchSize ?? LLM_BATCH_SIZE, samples, llm: input.llm };
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.invalidInput, message, nonRetryable: true });
}
