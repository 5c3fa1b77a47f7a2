import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/llm/endpoint.js';
import { classifyStatus, LlmError } from '../../../src/llm/errors.js';
import { httpError, networkError, timeoutError } from '../../../src/llm/http-error.js';

const anthropic: Endpoint = {
  provider: 'anthropic',
  baseURL: 'https://api.anthropic.com',
  model: 'claude-haiku-4-5',
  timeoutMs: 30_000,
  keyEnv: 'ANTHROPIC_API_KEY',
  modelField: 'llm.models.judge',
};
const local: Endpoint = { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen3', timeoutMs: 30_000 };

describe('classifyStatus', () => {
  it.each([
    [429, 'rate-limited', true],
    [529, 'overloaded', true],
    [503, 'overloaded', true],
    [500, 'server', true],
    [502, 'server', true],
    [504, 'server', true],
    [408, 'timeout', true],
    [400, 'bad-request', false],
    [413, 'bad-request', false],
    [422, 'bad-request', false],
    [401, 'auth', false],
    [403, 'auth', false],
    [404, 'not-found', false],
  ] as const)('%i is %s, retryable: %s', (status, kind, retryable) => {
    expect(classifyStatus(status)).toEqual({ kind, retryable });
  });
});

describe('httpError', () => {
  it('says which key to fix on a 401', () => {
    const error = httpError(anthropic, { status: 401, apiMessage: 'invalid x-api-key' });
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401, provider: 'anthropic' });
    expect(error.message).toContain('the Anthropic API refused the key (401): set ANTHROPIC_API_KEY to a valid key');
    expect(error.message).toContain('invalid x-api-key');
  });

  it('tells a keyless local endpoint asking for a key how to give it one', () => {
    expect(httpError(local, { status: 401 }).message).toContain('name the variable in llm.apiKeyEnv');
  });

  it('names the model and the field that chose it on a 404', () => {
    const error = httpError(anthropic, { status: 404 });
    expect(error).toMatchObject({ kind: 'not-found', retryable: false });
    expect(error.message).toContain("model 'claude-haiku-4-5'");
    expect(error.message).toContain('llm.models.judge');
  });

  it('keeps retry-after on a retryable status only', () => {
    const wait = new Headers({ 'retry-after': '7' });
    expect(httpError(anthropic, { status: 429, headers: wait }).retryAfterMs).toBe(7000);
    expect(httpError(anthropic, { status: 529, headers: wait }).retryAfterMs).toBe(7000);
    expect(httpError(anthropic, { status: 400, headers: wait }).retryAfterMs).toBeUndefined();
    expect(httpError(anthropic, { status: 500 }).retryAfterMs).toBeUndefined();
  });

  it('names local endpoints by their URL', () => {
    expect(httpError(local, { status: 503 }).message).toContain('the OpenAI-compatible endpoint at http://127.0.0.1:8000/v1 is overloaded (503)');
  });
});

describe('timeout and network errors', () => {
  it('are retryable and say what to check', () => {
    expect(timeoutError(local)).toMatchObject({ kind: 'timeout', retryable: true });
    expect(timeoutError(local).message).toContain('30000 ms');
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    const error = networkError(local, refused);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('llm.baseURL');
  });
});
