import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../src/llm/retry-after.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const headers = (values: Record<string, string>) => new Headers(values);

describe('retryAfterMs', () => {
  it('reads seconds, whole or fractional', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }), NOW)).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }), NOW)).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': '0' }), NOW)).toBe(0);
  });

  it('reads an HTTP date as the time left until it, never negative', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }), NOW)).toBe(30_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Sun, 01 Mar 2026 11:59:00 GMT' }), NOW)).toBe(0);
  });

  it('prefers retry-after-ms, which is more precise', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7', 'retry-after-ms': '6500' }), NOW)).toBe(6500);
    expect(retryAfterMs(headers({ 'retry-after-ms': '250.2' }), NOW)).toBe(251);
  });

  it('is undefined when absent or unreadable, so the retry policy backs off by itself', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-3' }), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), NOW)).toBe(2000);
  });
});
