import type { CheckName } from '../src/domain.js';
import { verifyTasks as verify } from '../src/verify/verify-tasks.js';
import type { RunUsage } from '../src/api.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { loadRun } from './run-context.js';
import { reportedUsage } from './run-llm.js';
import { taskJudgeOf } from './run-stages.js';
import { simulatorOf } from './run-simulator.js';
import { stableCheckOf } from './stable-check.js';

export interface VerificationCounts {
  candidates: number;
  verified: number;
  /** Failed verdicts per check: a candidate may fail several. */
  rejectedByCheck: Partial<Record<CheckName, number>>;
  /** The run's model spend so far; null when it has no models. */
  usage?: RunUsage | null;
}

/**
 * Verifies every candidate of the run together (the duplicate check needs them all), replaying
 * reference trajectories through a simulator built from everything the run recorded, executing
 * the survivors' trajectories again on fresh live instances (\`stable\`), then asks the run's judge
 * model, if it has one, about what held.
 */
export function verifyTasksActivity(deps: ActivityDeps) {
  return async function verifyTasks(input: { runId: string }): Promise<VerificationCounts> {
    return withFailureMapping(() => whileHeartbeating(async () => {
      const { run, spec } = await loadRun(deps, input.runId);
      const candidates = await deps.store.listTasks(input.runId);
      const tools = new Map((await deps.store.listTools(input.runId)).map((t) => [t.name, t]));
      const simulator = await simulatorOf(deps, input.runId);
      const { verdicts, verified } = await verify(candidates, { tools, simulator }, taskJudgeOf(deps, run), stableCheckOf(deps, run, spec));
      await deps.store.saveVerdicts(input.runId, verdicts);
      const rejectedByCheck: VerificationCounts['rejectedByCheck'] = {};
      for (const v of verdicts.filter((v) => !v.passed)) rejectedByCheck[v.check] = (rejectedByCheck[v.check] ?? 0) + 1;
      return { candidates: candidates.length, verified: verified.length, rejectedByCheck, usage: await reportedUsage(deps, run) };
    }));
  };
}
