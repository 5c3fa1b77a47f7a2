import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { failureTypes, REPLAY_POLICIES, type PolicyScore, type ReplayTasksInput } from './api.js';

const { countVerifiedTasks, replayTaskBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const BATCHES_AT_ONCE = 4;

/**
 * Replays a run's verified tasks against its simulator, once per policy, and scores each with the
 * binary reward. The reference policy must score 1 on every task; the others are baselines.
 */
export async function replayTasks(input: ReplayTasksInput): Promise<PolicyScore[]> {
  const { runId, policies, batchSize } = replayOptions(input);
  const total = await countVerifiedTasks({ runId });
  if (total === 0) throw invalid(`run ${runId} has no verified tasks: give the workflow ID of a finished generateServerDataset run`);
  const scores: PolicyScore[] = [];
  for (const policy of policies) {
    const batches = [];
    // A few batches at a time: each holds the run's whole simulator in memory.
    for (let first = 0; first < total; first += batchSize * BATCHES_AT_ONCE) {
      const offsets = Array.from({ length: BATCHES_AT_ONCE }, (_, i) => first + i * batchSize).filter((offset) => offset < total);
      batches.push(...(await Promise.all(offsets.map((offset) => replayTaskBatch({ runId, policy, offset, limit: batchSize })))));
    }
    const score: PolicyScore = { policy, tasks: 0, passed: 0, passRate: 0, provenance: { exact: 0, retrieved: 0, generated: 0, none: 0 }, failedExamples: [] };
    for (const batch of batches) {
      score.tasks += batch.tasks;
      score.passed += batch.passed;
      for (const key of Object.keys(score.provenance) as Array<keyof PolicyScore['provenance']>) score.provenance[key] += batch.provenance[key];
      score.failedExamples.push(...batch.failedExamples.slice(0, 5 - score.failedExamples.length));
    }
    score.passRate = score.tasks === 0 ? 0 : score.passed / score.tasks;
    scores.push(score);
  }
  return scores;
}

/** Checks the input before anything runs; a bad one fails the run at once, naming the field. */
function replayOptions(input: ReplayTasksInput | undefined): Required<ReplayTasksInput> {
  if (!input || typeof input !== 'object' || typeof input.runId !== 'string' || input.runId === '') {
    throw invalid('input.runId is missing: give the workflow ID of a finished generateServerDataset run, e.g. {"runId": "memory-1"}');
  }
  const policies = input.policies ?? [...REPLAY_POLICIES];
  const unknown = Array.isArray(policies) ? policies.filter((p) => !REPLAY_POLICIES.includes(p)) : [String(policies)];
  if (unknown.length > 0) throw invalid(`input.policies has ${unknown.join(', ')}: valid policies are ${REPLAY_POLICIES.join(', ')}`);
  const batchSize = input.batchSize ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000) {
    throw invalid(`input.batchSize must be a whole number from 1 to 1000, got ${JSON.stringify(batchSize)}`);
  }
  return { runId: input.runId, policies, batchSize };
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.invalidInput, message, nonRetryable: true });
}
