import type { Task } from '../src/domain.js';
import { stepsDigest, trajectorySteps } from '../src/explore/reexecute.js';
import { CLOCK_TICK_MS } from '../src/explore/volatile.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import type { RunRecord } from '../src/store/store.js';
import { STABLE_ROUNDS, stabilityVerdict } from '../src/verify/stable.js';
import { SHIFTED_CLOCK_SUFFIX, clockShiftText, withShiftedClock } from '../src/verify/clock-shift.js';
import type { LiveCheck } from '../src/verify/verify-tasks.js';
import type { ActivityDeps } from './deps.js';
import { RepeatLostError, liveRepeater } from './live-repeat.js';

/** Fresh instances one round may take before its task is rejected as failing on the server. */
const ATTEMPTS_PER_ROUND = 3;
const DEFAULT_CONCURRENCY = 4;

/**
 * The run's `stable` check: each task's reference trajectory executed again, STABLE_ROUNDS times,
 * each on a fresh instance a clock tick after the last, as many tasks at once as the run explores
 * sub-DAGs at once. Rounds are stored as they finish (live_repeats) under the trajectory's digest,
 * so tasks written from the same calls share them and a retried verification repeats only the
 * rounds it had not finished. The last round runs under a shifted clock and time zone where this
 * worker can start the server so (clock-shift.ts): a label bound to the date then fails as volatile.
 */
export function stableCheckOf(deps: ActivityDeps, run: RunRecord, spec: ServerSpec): LiveCheck {
  const concurrency = (run.options as { maxConcurrentExplorations?: number }).maxConcurrentExplorations ?? DEFAULT_CONCURRENCY;
  const repeatOnce = liveRepeater(deps, run, spec);
  const shifted = withShiftedClock(spec, deps.env);
  const launchedFor = (round: number) => (round === STABLE_ROUNDS && shifted ? shifted : spec);
  return {
    concurrency,
    async check(task: Task) {
      const steps = trajectorySteps(task.trajectory);
      const rounds = [];
      let notBefore = 0;
      for (let round = 1; round <= STABLE_ROUNDS; round++) {
        for (let attempt = 1; ; attempt++) {
          try {
            // A round under the shifted clock is another observation than one on the real clock: stored apart.
            const launched = launchedFor(round);
            const subject = `trajectory:${stepsDigest(steps)}${launched === spec ? '' : SHIFTED_CLOCK_SUFFIX}`;
            const repeat = await repeatOnce(subject, round, steps, notBefore, launched);
            rounds.push(repeat.calls);
            notBefore = repeat.startedAtMs + CLOCK_TICK_MS;
            break;
          } catch (error) {
            if (!(error instanceof RepeatLostError)) throw error;
            if (attempt >= ATTEMPTS_PER_ROUND) return { passed: false, reason: `error: ${error.message}, ${attempt} times` };
          }
        }
      }
      const verdict = stabilityVerdict(task, rounds);
      return { ...verdict, reason: `${verdict.reason} (round ${STABLE_ROUNDS} ${shifted ? clockShiftText() : 'on the real clock: no libfaketime on this worker, or a server it does not start'})` };
    },
  };
}

