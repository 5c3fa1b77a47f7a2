import type { GroundTruthField, JsonValue } from '../domain.js';

/** What the reward reads of a task: its ground-truth values. */
export interface Scored {
  groundTruth: ReadonlyArray<Pick<GroundTruthField, 'field' | 'value'>>;
}

/**
 * The binary reward: 1 when every answer field matches its ground truth after normalisation —
 * numbers by value (`"36"` = 36 = 36.0), text by case and whitespace, lists in any order — else 0.
 */
export function reward(task: Scored, answer: Record<string, JsonValue | undefined>): 0 | 1 {
  return task.groundTruth.every((g) => same(answer[g.field], g.value)) ? 1 : 0;
}

/** Per answer field, whether it matches its ground truth as `reward` judges it. */
export function fieldMatches(task: Scored, answer: Record<string, JsonValue | undefined>): Record<string, boolean> {
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, same(answer[g.field], g.value)]));
}

function same(actual: JsonValue | undefined, expected: JsonValue): boolean {
  if (actual === undefined) return false;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const a = actual.map(normalise).sort();
    const e = expected.map(normalise).sort();
    return a.length === e.length && a.every((item, i) => item === e[i]);
  }
  return normalise(actual) === normalise(expected);
}

const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?(e[+-]?\d+)?$/;

function normalise(value: JsonValue): string {
  if (typeof value === 'number') return `n:${Number(value.toPrecision(12))}`;
  if (typeof value === 'string') {
    const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
    // Plain decimals only: "007", "0x10" and "02139" are identifiers, not the numbers 7, 16 and 2139.
    return PLAIN_NUMBER.test(text) ? `n:${Number(Number(text).toPrecision(12))}` : `s:${text}`;
  }
  return `j:${JSON.stringify(value)}`;
}
