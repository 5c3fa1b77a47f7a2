import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { failureTypes, REPLAY_POLICIES, type PolicyScore, type ReplayTasksInput } from './api.js';

const { countVerifiedTasks, replayTaskBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * Replays a run's verified tasks against its simulator, once per policy, and scores each with the
 * binary reward. The reference policy must score 1 on every task; the others are baselines.
 */
export async function replayTasks(input: ReplayTasksInput): Promise<PolicyScore[]> {
  const policies = input.policies ?? [...REPLAY_POLICIES];
  const unknown = policies.filter((p) => !REPLAY_POLICIES.includes(p));
  if (!input?.runId || unknown.length > 0) {
    throw ApplicationFailure.create({
      type: failureTypes.invalidInput,
      message: !input?.runId
        ? 'input.runId is missing: give the workflow ID of a finished generateServerDataset run'
        : `input.policies has ${unknown.join(', ')}: valid policies are ${REPLAY_POLICIES.join(', ')}`,
      nonRetryable: true,
    });
  }
  const batchSize = input.batchSize ?? 50;
  const total = await countVerifiedTasks({ runId: input.runId });
  const scores: PolicyScore[] = [];
  for (const policy of policies) {
    const batches = await Promise.all(
      Array.from({ length: Math.ceil(total / batchSize) }, (_, i) =>
        replayTaskBatch({ runId: input.runId, policy, offset: i * batchSize, limit: batchSize }),
      ),
    );
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
