import { Context } from '@temporalio/activity';
import type { CheckName } from '../src/domain.js';
import { verifyTasks as verify } from '../src/verify/verify-tasks.js';
import type { ActivityDeps } from './deps.js';
import { simulatorOf } from './run-simulator.js';

export interface VerificationCounts {
  candidates: number;
  verified: number;
  /** Failed verdicts per check: a candidate may fail several. */
  rejectedByCheck: Partial<Record<CheckName, number>>;
}

/**
 * Verifies every candidate of the run together (the duplicate check needs them all), replaying
 * reference trajectories through a simulator built from everything the run recorded.
 */
export function verifyTasksActivity(deps: ActivityDeps) {
  return async function verifyTasks(input: { runId: string }): Promise<VerificationCounts> {
    const candidates = await deps.store.listTasks(input.runId);
    const tools = new Map((await deps.store.listTools(input.runId)).map((t) => [t.name, t]));
    const simulator = await simulatorOf(deps, input.runId);
    Context.current().heartbeat();
    const { verdicts, verified } = await verify(candidates, { tools, simulator }, deps.taskJudge);
    await deps.store.saveVerdicts(input.runId, verdicts);
    const rejectedByCheck: VerificationCounts['rejectedByCheck'] = {};
    for (const v of verdicts.filter((v) => !v.passed)) rejectedByCheck[v.check] = (rejectedByCheck[v.check] ?? 0) + 1;
    return { candidates: candidates.length, verified: verified.length, rejectedByCheck };
  };
}
