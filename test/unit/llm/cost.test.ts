import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../../src/llm/cost.js';
import { DEFAULT_PRICES } from '../../../src/llm/prices.js';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('priceOf', () => {
  it('matches the longest prefix, so dated names and generations get their own price', () => {
    expect(priceOf('claude-opus-4-5-20251101')).toEqual({ input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 });
    expect(priceOf('claude-opus-4-1-20250805')?.input).toBe(15);
    expect(priceOf('claude-opus-4-20250514')?.input).toBe(15);
    expect(priceOf('claude-sonnet-4-6')?.output).toBe(15);
    expect(priceOf('claude-haiku-4-5-20251001')).toEqual({ input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 });
  });

  it('has no price for a model the table does not list, rather than a guess', () => {
    expect(priceOf('qwen2.5:7b-instruct')).toBeUndefined();
    expect(priceOf('claude-opus-9')).toBeUndefined();
  });

  it('takes a run’s own entries over the built-in ones', () => {
    const prices = { ...DEFAULT_PRICES, 'qwen': { input: 0.2, output: 0.6, cacheRead: 0.2, cacheWrite: 0.2 } };
    expect(priceOf('qwen2.5:7b', prices)?.output).toBe(0.6);
  });
});

describe('costOf', () => {
  it('prices each kind of token at its own rate', () => {
    // Haiku 4.5: 1M input $1, 1M output $5, cache read $0.10, cache write $1.25.
    expect(costOf('claude-haiku-4-5', usage(1_000_000, 0))).toBeCloseTo(1, 10);
    expect(costOf('claude-haiku-4-5', usage(1000, 200, 500, 500))).toBeCloseTo((1000 * 1 + 200 * 5 + 500 * 0.1 + 500 * 1.25) / 1e6, 12);
    expect(costOf('claude-sonnet-4-6', usage(2000, 400))).toBeCloseTo(0.012, 12);
  });

  it('is 0 for an unpriced (local) model', () => {
    expect(costOf('llama3.1:8b', usage(5000, 5000))).toBe(0);
  });
});
