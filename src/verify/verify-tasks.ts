import type { Task, Verdict } from '../domain.js';
import { mapLimited } from '../map-limited.js';
import { CHECKS, type CheckContext, type CheckResult } from './checks.js';

/** Where an LLM judge plugs in; with none configured, no `llm-judge` verdicts are written. */
export interface TaskJudge {
  readonly name: string;
  /** Tasks judged at once (default 1); a model judge's requests are capped by its rate limiter too. */
  readonly concurrency?: number;
  judge(task: Task): Promise<{ passed: boolean; reason: string }>;
}

/**
 * Executes a task's reference trajectory again on fresh live instances of its server (the `stable`
 * check, see stable.ts); tasks are checked up to `concurrency` at once.
 */
export interface LiveCheck {
  readonly concurrency: number;
  check(task: Task): Promise<CheckResult>;
}

export interface VerificationResult {
  verdicts: Verdict[];
  verified: Task[];
}

/**
 * Runs every deterministic check on every candidate (so the rejection breakdown counts each failed
 * check), then the duplicate check over the survivors in order, then — on the first of each kind —
 * the live \`stable\` check, when there is one, and the LLM judge, if there is one, on what held
 * (each several at once where it allows). The costly checks see only what the cheap ones passed.
 */
export async function verifyTasks(candidates: Task[], context: CheckContext, judge?: TaskJudge, live?: LiveCheck): Promise<VerificationResult> {
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
  const unique: Task[] = [];
  const firstOf = new Map<string, string | undefined>();
  for (const task of survivors) {
    const key = duplicateKey(task);
    firstOf.set(task.id, seen.get(key));
    if (seen.has(key)) continue;
    seen.set(key, task.id);
    unique.push(task);
  }
  const stability = live ? await mapLimited(unique, live.concurrency, (task) => live.check(task)) : [];
  const stableBy = new Map(unique.map((task, i) => [task.id, stability[i]]));
  const held = live ? unique.filter((task) => stableBy.get(task.id)?.passed) : unique;
  // The judge's answers come in any order; the verdicts are written in the candidates' order.
  const judged = judge ? await mapLimited(held, judge.concurrency ?? 1, (task) => judge.judge(task)) : [];
  const judgedBy = new Map(held.map((task, i) => [task.id, judged[i]]));
  const verified: Task[] = [];
  for (const task of survivors) {
    const first = firstOf.get(task.id);
    verdicts.push({
      taskId: task.id,
      check: 'no-duplicate',
      passed: first === undefined,
      reason: first === undefined ? 'no earlier task has this instruction and tool sequence' : `same instruction and tools as task ${first}`,
    });
    if (first !== undefined) continue;
    const stable = stableBy.get(task.id);
    if (stable) {
      verdicts.push({ taskId: task.id, check: 'stable', passed: stable.passed, reason: stable.reason });
      if (!stable.passed) continue;
    }
    const verdict = judgedBy.get(task.id);
    if (judge && verdict) {
      verdicts.push({ taskId: task.id, check: 'llm-judge', passed: verdict.passed, reason: `${judge.name}: ${verdict.reason}` });
      if (!verdict.passed) continue;
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
