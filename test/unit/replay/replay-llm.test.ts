import { describe, expect, it } from 'vitest';
import { LlmConfigError, resolveLlmConfig } from '../../../src/llm/config.js';
import { replayLlmConfig } from '../../../src/replay/replay-llm.js';

const offlineRun = { runId: 'memory-1', llm: { provider: 'offline' } as const };
const anthropicRun = { runId: 'memory-2', llm: resolveLlmConfig({ provider: 'anthropic' }, { ANTHROPIC_API_KEY: 'sk-ant-x' }) };

function refusal(work: () => unknown): LlmConfigError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(LlmConfigError);
    return error as LlmConfigError;
  }
  throw new Error('expected a refusal');
}

describe('the model llm-agent evaluates', () => {
  it("is the run's own when the replay gives none", () => {
    expect(replayLlmConfig(undefined, anthropicRun, {})).toBe(anthropicRun.llm);
  });

  it('is the replay input’s when given, its agent stage the model', () => {
    const config = replayLlmConfig({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen3-4b' }, offlineRun, {});
    expect(config).toMatchObject({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1' });
    expect(config.models.agent).toBe('qwen3-4b');
  });

  it('is refused for an offline run without input.llm, naming the field', () => {
    const error = refusal(() => replayLlmConfig(undefined, offlineRun, { ANTHROPIC_API_KEY: 'sk-ant-x' }));
    expect(error.field).toBe('input.llm');
    expect(error.message).toMatch(/^input\.llm: .*memory-1 is offline/);
  });

  it('names the replay input’s field when its llm is wrong', () => {
    expect(refusal(() => replayLlmConfig({ provider: 'openai-compatible' }, offlineRun, {})).field).toBe('input.llm.baseURL');
    const keyless = refusal(() => replayLlmConfig({ provider: 'anthropic', apiKeyEnv: 'NO_SUCH_KEY' }, anthropicRun, {}));
    expect(keyless.field).toBe('input.llm.apiKeyEnv');
    expect(keyless.message).toMatch(/^input\.llm\.apiKeyEnv: .*NO_SUCH_KEY/);
    expect(keyless.message).not.toMatch(/(^|[^.])\bllm\.apiKeyEnv/);
  });

  it('is refused when input.llm resolves to no model', () => {
    expect(refusal(() => replayLlmConfig({ provider: 'offline' }, anthropicRun, {})).field).toBe('input.llm');
    expect(refusal(() => replayLlmConfig({}, anthropicRun, {})).message).toMatch(/offline provider/);
  });
});
