import { describe, expect, it } from 'vitest';
import { argumentSimilarity, PARTIAL } from '../../../src/simulator/similarity.js';

describe('argumentSimilarity', () => {
  it('is 1 for equal arguments, whatever the key order, and for two empty ones', () => {
    expect(argumentSimilarity({ a: 1, b: { c: 'x' } }, { b: { c: 'x' }, a: 1 })).toBe(1);
    expect(argumentSimilarity({}, {})).toBe(1);
  });

  it('compares lists as bags of values', () => {
    expect(argumentSimilarity({ names: ['Ada', 'Bob'] }, { names: ['Bob', 'Ada'] })).toBe(1);
    // One shared of three distinct leaves: 1 / (2 + 1 - 1).
    expect(argumentSimilarity({ names: ['Ada', 'Bob'] }, { names: ['Ada'] })).toBeCloseTo(0.5);
  });

  it('scores strings by token overlap, below an equal value', () => {
    // {ada} vs {ada, lovelace}: token Jaccard 1/2.
    const s = PARTIAL * 0.5;
    expect(argumentSimilarity({ query: 'Ada' }, { query: 'Ada Lovelace' })).toBeCloseTo(s / (2 - s));
    expect(argumentSimilarity({ query: 'ada lovelace' }, { query: 'Lovelace, Ada' })).toBeCloseTo(PARTIAL / (2 - PARTIAL));
    expect(argumentSimilarity({ query: 'Ada' }, { query: 'Grace' })).toBe(0);
  });

  it('scores numbers by relative closeness', () => {
    const near = argumentSimilarity({ limit: 10 }, { limit: 11 });
    const far = argumentSimilarity({ limit: 10 }, { limit: 100 });
    expect(near).toBeGreaterThan(far);
    expect(near).toBeLessThan(1);
    expect(argumentSimilarity({ limit: 0 }, { limit: 5 })).toBe(0);
    expect(argumentSimilarity({ limit: -5 }, { limit: 5 })).toBe(0);
  });

  it('counts missing leaves as 0 and keeps types apart', () => {
    expect(argumentSimilarity({ a: 1, b: 2 }, { a: 1 })).toBeCloseTo(0.5);
    expect(argumentSimilarity({ a: '1' }, { a: 1 })).toBe(0);
    expect(argumentSimilarity({ a: true }, { a: false })).toBe(0);
    expect(argumentSimilarity({ a: null }, { a: 'null' })).toBe(0);
    expect(argumentSimilarity({ tags: [] }, {})).toBe(0);
    expect(argumentSimilarity({ tags: [] }, { tags: [] })).toBe(1);
  });

  it('weighs each leaf: one differing field of many costs little', () => {
    const base = { name: 'Ada', type: 'person', born: 1815, city: 'London', notes: ['first programmer'] };
    const s = argumentSimilarity(base, { ...base, born: 1816 });
    expect(s).toBeGreaterThan(0.9);
    expect(s).toBeLessThan(1);
  });

  it('is symmetric and stays in [0, 1] on nested values', () => {
    const a = { entities: [{ name: 'Ada', obs: ['x y', 'z'] }, { name: 'Bob', obs: [] }], n: 3 };
    const b = { entities: [{ name: 'Bob', obs: ['z'] }], n: 4, extra: { deep: [1, 2] } };
    const ab = argumentSimilarity(a, b);
    expect(ab).toBeCloseTo(argumentSimilarity(b, a));
    expect(ab).toBeGreaterThan(0);
    expect(ab).toBeLessThan(1);
  });

  it('stays fast on large lists', () => {
    const big = (offset: number) => ({ names: Array.from({ length: 2_000 }, (_, i) => `entity ${i + offset}`) });
    const started = performance.now();
    const s = argumentSimilarity(big(0), big(1_000));
    expect(performance.now() - started).toBeLessThan(500);
    expect(s).toBeGreaterThan(0.3);
  });
});
