import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/llm/rate-limiter.js';

/** A request that stays in flight until released, recording when it started. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('RateLimiter', () => {
  it('never has more than maxConcurrent requests in flight, and lets the next one in as one finishes', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 2 });
    let inFlight = 0;
    let most = 0;
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        most = Math.max(most, ++inFlight);
        await g.done;
        inFlight -= 1;
        return i;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual([0, 1]);
    gates[0]!.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((g) => g.release());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('starts at most requestsPerMinute requests in any minute', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const sleepers: Array<() => void> = [];
    // A sleep ends when the test moves the clock: the test takes no real minute.
    const clock = { now: () => now, sleep: (ms: number) => new Promise<void>((resolve) => (sleeps.push(ms), sleepers.push(resolve))) };
    const limiter = new RateLimiter({ maxConcurrent: 10, requestsPerMinute: 3 }, clock);
    const started: number[] = [];
    const runs = Array.from({ length: 3 }, (_, i) => limiter.run(async () => void started.push(i)));
    await Promise.all(runs);
    now = 10_000;
    let fourthStarted = false;
    const fourth = limiter.run(async () => void (fourthStarted = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The fourth waits until the first leaves the minute's window: 50 s from now.
    expect(sleeps[0]).toBe(50_000);
    expect(fourthStarted).toBe(false);
    now = 60_000;
    sleepers.forEach((wake) => wake());
    await fourth;
    expect(fourthStarted).toBe(true);
    expect(started).toEqual([0, 1, 2]);
  });

  it('a failed request frees its slot', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 1 });
    await expect(limiter.run(async () => Promise.reject(new Error('429')))).rejects.toThrow('429');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });
});
