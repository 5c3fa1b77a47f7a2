import type { JsonValue, Task } from '../domain.js';
import { valuesAt } from '../explore/json-path.js';
import type { RepeatedCallRecord } from '../explore/reexecute.js';
import { outputValue } from '../mcp/output.js';
import type { CheckResult } from './checks.js';

/** How many fresh live executions the `stable` check makes of each task, each at its own moment. */
export const STABLE_ROUNDS = 2;

const show = (value: unknown): string => JSON.stringify(value)?.slice(0, 60) ?? 'nothing';

/**
 * The `stable` verdict from a task's reference trajectory executed again on fresh live instances:
 * every answer read at its source must equal the label in every round. Otherwise the reason says
 * which fields and why — `error`: a step failed on a fresh server; `volatile`: the rounds disagree
 * (a clock, a random or generated value); `state`: the rounds agree with each other but not with
 * the label (the answer depends on state the trajectory does not create).
 */
export function stabilityVerdict(task: Task, rounds: ReadonlyArray<readonly RepeatedCallRecord[]>): CheckResult {
  for (const [r, calls] of rounds.entries()) {
    const failed = calls.findIndex((call, i) => call.isError && !task.trajectory[i]?.isError);
    if (failed >= 0) {
      const call = calls[failed]!;
      return { passed: false, reason: `error: step ${failed + 1} (${call.tool}) failed on a fresh server in round ${r + 1}: ${show(outputValue(call.result))}` };
    }
  }
  const observed = task.groundTruth.map((g) => ({
    field: g.field,
    label: g.value,
    seen: rounds.map((calls) => valueAt(calls[g.source.trajectoryStep]?.result, g.source.path)),
  }));
  const volatile = observed.filter((o) => o.seen.some((v) => JSON.stringify(v) !== JSON.stringify(o.seen[0])));
  if (volatile.length > 0) {
    return { passed: false, reason: `volatile: ${volatile.map((o) => `${o.field} gave ${o.seen.map(show).join(' then ')}`).join('; ')}` };
  }
  const moved = observed.filter((o) => o.seen[0] !== o.label);
  if (moved.length > 0) {
    return { passed: false, reason: `state: ${moved.map((o) => `${o.field} is ${show(o.seen[0])} on a fresh server, ${show(o.label)} in the recording`).join('; ')}` };
  }
  return { passed: true, reason: `${task.groundTruth.length} answers held in ${rounds.length} fresh live executions` };
}

function valueAt(result: JsonValue | undefined, path: string): JsonValue | undefined {
  return result === undefined ? undefined : valuesAt(outputValue(result), path)[0]?.value;
}
