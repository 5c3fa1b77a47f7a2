import { Context } from '@temporalio/activity';
import type { Provenance } from '../src/domain.js';
import { runPolicy, type PolicyName } from '../src/replay/policies.js';
import { reward } from '../src/replay/reward.js';
import type { ActivityDeps } from './deps.js';
import { simulatorOf } from './run-simulator.js';
import { verifiedTasks } from './verified-tasks.js';

export interface ReplayBatchInput {
  runId: string;
  policy: PolicyName;
  offset: number;
  limit: number;
}

export interface ReplayCounts {
  tasks: number;
  passed: number;
  provenance: Record<Provenance, number>;
  /** A few tasks that scored 0, for a person to look at. */
  failedExamples: string[];
}

/** Replays a slice of the run's verified tasks against the simulator with one policy, and scores them. */
export function replayTaskBatchActivity(deps: ActivityDeps) {
  return async function replayTaskBatch(input: ReplayBatchInput): Promise<ReplayCounts> {
    const verified = await verifiedTasks(deps, input.runId);
    const batch = verified.slice(input.offset, input.offset + input.limit);
    const simulator = await simulatorOf(deps, input.runId);
    const tools = new Map(simulator.cache.tools.map((t) => [t.name, t]));
    const counts: ReplayCounts = { tasks: 0, passed: 0, provenance: { exact: 0, retrieved: 0, generated: 0, none: 0 }, failedExamples: [] };
    for (const task of batch) {
      const outcome = await runPolicy(input.policy, task, simulator, tools);
      counts.tasks += 1;
      if (reward(task, outcome.answer) === 1) counts.passed += 1;
      else if (counts.failedExamples.length < 5) counts.failedExamples.push(task.id);
      for (const p of outcome.provenance) counts.provenance[p] += 1;
      Context.current().heartbeat(counts.tasks);
    }
    return counts;
  };
}

export function countVerifiedTasksActivity(deps: ActivityDeps) {
  return async function countVerifiedTasks(input: { runId: string }): Promise<number> {
    return (await verifiedTasks(deps, input.runId)).length;
  };
}
