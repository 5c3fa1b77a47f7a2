/**
 * Reads the task judge's answer strictly: all five criteria, each with a boolean and a reason, and
 * a verdict. A missing criterion is an unusable answer (asked for again), never a silent pass.
 * `passed` follows the criteria, not the verdict word: the verdict is the model's summary, the
 * criteria are what it actually checked.
 */
import type { JsonObject } from '../../domain.js';
import { isJsonObject } from '../../json.js';
import { CRITERIA, type Criterion } from './task-judge-prompt.js';
import type { Parsed } from './forced-call.js';

export interface CriterionResult {
  pass: boolean;
  reason: string;
}

export interface TaskVerdict {
  criteria: Record<Criterion, CriterionResult>;
  verdict: 'pass' | 'fail';
}

export function parseTaskVerdict(args: JsonObject): Parsed<TaskVerdict> {
  const { criteria, verdict } = args;
  if (!isJsonObject(criteria)) return { ok: false, reason: 'missing field: criteria' };
  if (verdict !== 'pass' && verdict !== 'fail') return { ok: false, reason: `missing field: verdict must be "pass" or "fail", got ${JSON.stringify(verdict ?? null)}` };
  const results = {} as Record<Criterion, CriterionResult>;
  for (const name of CRITERIA) {
    const c = criteria[name];
    if (!isJsonObject(c) || typeof c.pass !== 'boolean' || typeof c.reason !== 'string' || c.reason.trim() === '') {
      return { ok: false, reason: `missing field: criteria.${name} must be {pass: boolean, reason: string}` };
    }
    results[name] = { pass: c.pass, reason: c.reason.trim() };
  }
  return { ok: true, value: { criteria: results, verdict } };
}

/** What the verdict record stores: the failed criteria with the model's reasons, or that all passed. */
export function summarise(verdict: TaskVerdict): { passed: boolean; reason: string } {
  const failed = CRITERIA.filter((name) => !verdict.criteria[name].pass);
  if (failed.length === 0) {
    const note = verdict.verdict === 'fail' ? ' (the model\'s verdict said fail, but named no failed criterion)' : '';
    return { passed: true, reason: `all five criteria pass${note}` };
  }
  const note = verdict.verdict === 'pass' ? ' (the model\'s verdict said pass)' : '';
  return { passed: false, reason: `fails ${failed.map((name) => `${name}: ${verdict.criteria[name].reason}`).join('; ')}${note}` };
}
