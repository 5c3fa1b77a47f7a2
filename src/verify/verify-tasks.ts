import type { Task, Verdict } from '../domain.js';
import { CHECKS, type CheckContext } from './checks.js';

/** Where an LLM judge plugs in; with none configured, no `llm-judge` verdicts are written. */
export interface TaskJudge {
  readonly name: string;
  judge(task: Task): Promise<{ passed: boolean; reason: string }>;
}

export interface VerificationResult {
  verdicts: Verdict[];
  verified: Task[];
}

/**
 * Runs every check on every candidate (so the rejection breakdown counts each failed check), then
 * the duplicate check over the survivors in order, then the LLM judge if there is one.
 */
export async function verifyTasks(candidates: Task[], context: CheckContext, judge?: TaskJudge): Promise<VerificationResult> {
  const verdicts: Verdict[] = [];
  const survivors: Task[] = [];
  for (const task of candidates) {
    let ok = true;
    for (const [check, run] of CHECKS) {
      const { passed, reason } = await run(task, context);
      verdicts.push({ taskId: task.id, check, passed, reason });
      ok &&= passed;
    }
    if (ok) survivors.push(task);
  }
  const seen = new Map<string, string>();
  const verified: Task[] = [];
  for (const task of survivors) {
    const key = duplicateKey(task);
    const first = seen.get(key);
    verdicts.push({
      taskId: task.id,
      check: 'no-duplicate',
      passed: first === undefined,
      reason: first === undefined ? 'no earlier task has this instruction and tool sequence' : `same instruction and tools as task ${first}`,
    });
    if (first !== undefined) continue;
    seen.set(key, task.id);
    if (judge) {
      const { passed, reason } = await judge.judge(task);
      verdicts.push({ taskId: task.id, check: 'llm-judge', passed, reason: `${judge.name}: ${reason}` });
      if (!passed) continue;
    }
    verified.push(task);
  }
  return { verdicts, verified };
}

/** Normalised instruction plus tool sequence: two tasks that read alike and call alike are one. */
export function duplicateKey(task: Task): string {
  const text = task.instruction.toLowerCase().replace(/\s+/g, ' ').trim();
  return `${text}\n${task.trajectory.map((s) => s.tool).join('>')}`;
}
