import { describe, expect, it } from 'vitest';
import { ANTHROPIC_DEFAULT_MODELS, LlmConfigError, priceTableOf, resolveLlmConfig } from '../../../src/llm/config.js';
import { createLlmClient } from '../../../src/llm/create-client.js';

const withKey = { ANTHROPIC_API_KEY: 'sk-ant-test' };

function refusal(input: unknown, env: Record<string, string> = withKey): LlmConfigError {
  try {
    resolveLlmConfig(input, env);
  } catch (error) {
    expect(error).toBeInstanceOf(LlmConfigError);
    return error as LlmConfigError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('resolveLlmConfig defaults', () => {
  it('is Anthropic when the worker has ANTHROPIC_API_KEY, with a cheap judge and a strong explorer', () => {
    const config = resolveLlmConfig(undefined, withKey);
    expect(config).toMatchObject({ provider: 'anthropic', baseURL: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', maxConcurrent: 4 });
    if (config.provider === 'offline') throw new Error('unreachable');
    expect(config.models).toEqual(ANTHROPIC_DEFAULT_MODELS);
    expect(config.models.judge).toMatch(/haiku/);
    expect(config.models.explore).toMatch(/sonnet/);
  });

  it('is offline without a key', () => {
    expect(resolveLlmConfig(undefined, {})).toEqual({ provider: 'offline' });
    expect(resolveLlmConfig({}, { ANTHROPIC_API_KEY: '' })).toEqual({ provider: 'offline' });
  });

  it('takes llm.model for every stage and llm.models over it', () => {
    const config = resolveLlmConfig(
      { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3:8b', models: { judge: 'qwen3:1.7b' } },
      {},
    );
    if (config.provider === 'offline') throw new Error('unreachable');
    expect(config.models).toMatchObject({ judge: 'qwen3:1.7b', explore: 'qwen3:8b', agent: 'qwen3:8b' });
    expect(config.apiKeyEnv).toBeUndefined();
  });

  it('keeps a run’s own prices over the built-in table, cache prices defaulting to the input price', () => {
    const config = resolveLlmConfig({ provider: 'openai-compatible', baseURL: 'http://h/v1', model: 'm', prices: { m: { input: 0.2, output: 0.6 } } }, {});
    expect(priceTableOf(config).m).toEqual({ input: 0.2, output: 0.6, cacheRead: 0.2, cacheWrite: 0.2 });
    expect(priceTableOf(config)['claude-haiku-4-5']).toBeDefined();
  });
});

describe('resolveLlmConfig refusals name the field and the fix', () => {
  it.each([
    ['a non-object', 'anthropic', 'llm', 'must be an object'],
    ['an unknown field', { modle: 'x' }, 'llm.modle', 'not a known field'],
    ['an unknown provider', { provider: 'openai' }, 'llm.provider', "'openai-compatible'"],
    ['a key where its variable name belongs', { apiKeyEnv: 'sk-ant-api03-abc' }, 'llm.apiKeyEnv', 'not the key itself'],
    ['an OpenAI-compatible run without baseURL', { provider: 'openai-compatible', model: 'm' }, 'llm.baseURL', 'http://127.0.0.1:11434/v1'],
    ['a baseURL that is not http(s)', { provider: 'anthropic', baseURL: 'ftp://x' }, 'llm.baseURL', 'not an http(s) URL'],
    ['a stage with no model on a local server', { provider: 'openai-compatible', baseURL: 'http://h/v1', models: { judge: 'm' } }, 'llm.models.explore', 'set llm.model'],
    ['an unknown stage', { models: { planner: 'x' } }, 'llm.models.planner', 'not a stage'],
    ['an empty model name', { models: { judge: ' ' } }, 'llm.models.judge', 'model name'],
    ['a fractional maxConcurrent', { maxConcurrent: 1.5 }, 'llm.maxConcurrent', 'positive integer'],
    ['a negative requestsPerMinute', { requestsPerMinute: -1 }, 'llm.requestsPerMinute', 'positive number'],
    ['a zero timeout', { timeoutMs: 0 }, 'llm.timeoutMs', 'positive integer'],
    ['a price without output', { prices: { x: { input: 1 } } }, 'llm.prices.x.output', 'USD per million'],
  ])('refuses %s', (_, input, field, fix) => {
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(fix);
    expect(error.retryable).toBe(false);
  });

  it('refuses Anthropic when the key variable is not set where the worker runs', () => {
    const error = refusal({ provider: 'anthropic' }, {});
    expect(error.field).toBe('llm.apiKeyEnv');
    expect(error.message).toContain('set ANTHROPIC_API_KEY where the worker runs');
  });

  it('refuses a named key variable that is not set, for a local endpoint too', () => {
    const error = refusal({ provider: 'openai-compatible', baseURL: 'http://h/v1', model: 'm', apiKeyEnv: 'VLLM_KEY' }, {});
    expect(error.message).toContain('VLLM_KEY');
  });

  it('refuses configured models that would silently run offline', () => {
    const error = refusal({ models: { judge: 'claude-haiku-4-5' } }, {});
    expect(error.field).toBe('llm.provider');
    expect(error.message).toContain('would be offline');
  });
});

describe('createLlmClient', () => {
  it('gives each stage its model, and no client offline', () => {
    const config = resolveLlmConfig({ models: { judge: 'claude-haiku-4-5' } }, withKey);
    const judge = createLlmClient(config, 'judge', withKey);
    expect(judge).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(createLlmClient(config, 'synthesize', withKey)?.model).toBe(ANTHROPIC_DEFAULT_MODELS.synthesize);
    expect(createLlmClient({ provider: 'offline' }, 'judge', {})).toBeUndefined();
  });

  it('refuses when this worker lacks the key the configuration names', () => {
    const config = resolveLlmConfig(undefined, withKey);
    expect(() => createLlmClient(config, 'judge', {})).toThrow(LlmConfigError);
  });
});
