/**
 * A run's caps on model requests, in one worker process: at most `maxConcurrent` in flight and, if
 * set, at most `requestsPerMinute` started per rolling minute. The LLM task queue's worker slots cap
 * the activities; this caps the requests inside them, which is what a provider's rate limit counts.
 */
import type { LlmClient } from './types.js';

export interface RateCaps {
  maxConcurrent: number;
  requestsPerMinute?: number;
}

const MINUTE_MS = 60_000;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class RateLimiter {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** Start times of the requests of the last minute, oldest first. */
  private readonly started: number[] = [];

  constructor(
    readonly caps: RateCaps,
    private readonly clock: Clock = REAL_CLOCK,
  ) {}

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquireSlot(signal);
    try {
      await this.awaitRate(signal);
      return await work();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  private async acquireSlot(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.caps.maxConcurrent) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight += 1;
  }

  private async awaitRate(signal?: AbortSignal): Promise<void> {
    const limit = this.caps.requestsPerMinute;
    if (limit === undefined) return;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      while (this.started.length > 0 && this.started[0]! <= now - MINUTE_MS) this.started.shift();
      if (this.started.length < limit) {
        this.started.push(now);
        return;
      }
      await this.clock.sleep(this.started[0]! + MINUTE_MS - now);
    }
  }
}

export function limitedClient(client: LlmClient, limiter: RateLimiter): LlmClient {
  return {
    provider: client.provider,
    model: client.model,
    complete: (request, options) => limiter.run(() => client.complete(request, options), options?.signal),
  };
}
