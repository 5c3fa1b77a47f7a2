import { describe, expect, it } from 'vitest';
import { passAtK } from '../../../../src/llm/stages/llm-agent-policy.js';

/** 1 - C(n-c, k) / C(n, k), by counting, to check the product form against. */
function byCounting(n: number, c: number, k: number): number {
  const choose = (a: number, b: number): number => (b < 0 || b > a ? 0 : b === 0 ? 1 : (choose(a - 1, b - 1) * a) / b);
  return 1 - choose(n - c, k) / choose(n, k);
}

describe('passAtK', () => {
  it('is the pass rate for k = 1', () => {
    expect(passAtK([[true, false, false, false]], 1)).toBeCloseTo(0.25);
    expect(passAtK([[true, true], [false, false]], 1)).toBeCloseTo(0.5);
  });

  it('matches 1 - C(n-c,k)/C(n,k) per task, averaged', () => {
    const task1 = [true, false, false, false, false];
    const task2 = [true, true, false, false, false];
    expect(passAtK([task1], 2)).toBeCloseTo(byCounting(5, 1, 2));
    expect(passAtK([task1], 2)).toBeCloseTo(0.4);
    expect(passAtK([task1, task2], 3)).toBeCloseTo((byCounting(5, 1, 3) + byCounting(5, 2, 3)) / 2);
  });

  it('is 1 when fewer than k samples failed and 0 when none passed', () => {
    expect(passAtK([[true, false, true]], 2)).toBe(1);
    expect(passAtK([[false, false, false]], 3)).toBe(0);
    expect(passAtK([[true, true, true]], 3)).toBe(1);
  });

  it('refuses k larger than the samples of a task, and k below 1', () => {
    expect(() => passAtK([[true]], 2)).toThrow(RangeError);
    expect(() => passAtK([[true]], 0)).toThrow(RangeError);
    expect(passAtK([], 1)).toBe(0);
  });
});
