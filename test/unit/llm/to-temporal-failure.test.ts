import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { LlmConfigError } from '../../../src/llm/config.js';
import { LlmError, MalformedOutputError } from '../../../src/llm/errors.js';
import { LLM_FAILURE_TYPES, toTemporalFailure } from '../../../src/llm/to-temporal-failure.js';

const usage = { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 };

function failure(error: unknown): ApplicationFailure {
  const mapped = toTemporalFailure(error);
  expect(mapped).toBeInstanceOf(ApplicationFailure);
  return mapped as ApplicationFailure;
}

describe('toTemporalFailure', () => {
  it("turns a provider's retry-after into the next retry delay", () => {
    const mapped = failure(new LlmError('slow down', { kind: 'rate-limited', retryable: true, provider: 'anthropic', status: 429, retryAfterMs: 7000 }));
    expect(mapped).toMatchObject({ type: LLM_FAILURE_TYPES['rate-limited'], nonRetryable: false, nextRetryDelay: 7000, message: 'slow down' });
  });

  it('leaves the delay to the retry policy when the provider named none', () => {
    expect(failure(new LlmError('x', { kind: 'overloaded', retryable: true, provider: 'anthropic', status: 529 })).nextRetryDelay).toBeUndefined();
  });

  it('makes refusals no retry can fix non-retryable', () => {
    for (const kind of ['auth', 'bad-request', 'not-found'] as const) {
      expect(failure(new LlmError('x', { kind, retryable: false, provider: 'openai-compatible' }))).toMatchObject({ type: LLM_FAILURE_TYPES[kind], nonRetryable: true });
    }
    expect(failure(new LlmConfigError('llm.baseURL', 'bad'))).toMatchObject({ type: LLM_FAILURE_TYPES.config, nonRetryable: true });
  });

  it('retries malformed output and keeps the reason and raw text in its details', () => {
    const mapped = failure(new MalformedOutputError('bad args', { reason: 'invalid-json', raw: '{"a":', provider: 'openai-compatible', model: 'm', usage, toolName: 't' }));
    expect(mapped).toMatchObject({ type: LLM_FAILURE_TYPES.malformed, nonRetryable: false });
    expect(mapped.details?.[0]).toMatchObject({ reason: 'invalid-json', raw: '{"a":', toolName: 't', usage });
  });

  it('passes other errors through unchanged', () => {
    const other = new TypeError('bug');
    expect(toTemporalFailure(other)).toBe(other);
  });
});
