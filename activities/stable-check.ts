import type { Task } from '../src/domain.js';
import { CLOCK_TICK_MS } from '../src/explore/volatile.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import type { RunRecord } from '../src/store/store.js';
import { STABLE_ROUNDS, stabilityVerdict } from '../src/verify/stable.js';
import type { LiveCheck } from '../src/verify/verify-tasks.js';
import type { ActivityDeps } from './deps.js';
import { liveRepeat, RepeatLostError } from './live-repeat.js';

/** Fresh instances one round may take before its task is rejected as failing on the server. */
const ATTEMPTS_PER_ROUND = 3;
const DEFAULT_CONCURRENCY = 4;

/**
 * The run's `stable` check: each task's reference trajectory executed again, STABLE_ROUNDS times,
 * each on a fresh instance a clock tick after the last, as many tasks at once as the run explores
 * sub-DAGs at once. Rounds are stored as they finish (live_repeats), so a retried verification
 * repeats only the rounds it had not finished.
 */
export function stableCheckOf(deps: ActivityDeps, run: RunRecord, spec: ServerSpec): LiveCheck {
  const concurrency = (run.options as { maxConcurrentExplorations?: number }).maxConcurrentExplorations ?? DEFAULT_CONCURRENCY;
  return {
    concurrency,
    async check(task: Task) {
      const steps = task.trajectory.map((step) => ({
        tool: step.tool,
        arguments: step.arguments,
        links: step.links.map((l) => ({ argument: l.argument, fromStep: l.fromTrajectoryStep, outputPath: l.outputPath })),
      }));
      const rounds = [];
      let notBefore = 0;
      for (let round = 1; round <= STABLE_ROUNDS; round++) {
        for (let attempt = 1; ; attempt++) {
          try {
            const repeat = await liveRepeat(deps, run, spec, `task:${task.id}`, round, steps, notBefore);
            rounds.push(repeat.calls);
            notBefore = repeat.startedAtMs + CLOCK_TICK_MS;
            break;
          } catch (error) {
            if (!(error instanceof RepeatLostError)) throw error;
            if (attempt >= ATTEMPTS_PER_ROUND) return { passed: false, reason: `error: ${error.message}, ${attempt} times` };
          }
        }
      }
      return stabilityVerdict(task, rounds);
    },
  };
}
