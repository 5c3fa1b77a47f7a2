import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../src/map-limited.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapLimited', () => {
  it('keeps the items order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++running);
      for (let i = 0; i < n; i++) await tick();
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure, and throws it once the running items have settled', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const outcome = mapLimited([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 0) throw new Error('429');
      await tick();
      settled.push(n);
      return n;
    });
    await expect(outcome).rejects.toThrow('429');
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([1]);
  });

  it('handles no items', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });
});
