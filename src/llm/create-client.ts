/**
 * One stage's client from a resolved configuration. Kept apart from config.ts so that validating a
 * configuration never loads an SDK. The key is read from the worker's environment here, at the
 * last moment, and goes nowhere else.
 */
import { createAnthropicClient } from './anthropic-client.js';
import { LlmConfigError, type LlmConfig } from './config.js';
import { createOpenAiCompatibleClient } from './openai-client.js';
import type { LlmStage } from './stages.js';
import type { LlmClient } from './types.js';

/** The client for `stage`, or undefined when the run is offline (the stage uses its offline implementation). */
export function createLlmClient(
  config: LlmConfig,
  stage: LlmStage,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LlmClient | undefined {
  if (config.provider === 'offline') return undefined;
  const keyEnv = config.apiKeyEnv;
  const apiKey = keyEnv === undefined ? undefined : env[keyEnv];
  if (keyEnv !== undefined && !apiKey) {
    throw new LlmConfigError('llm.apiKeyEnv', `${keyEnv} is not set in this worker's environment: set it where the worker runs.`);
  }
  const common = {
    model: config.models[stage],
    baseURL: config.baseURL,
    timeoutMs: config.timeoutMs,
    modelField: `llm.models.${stage}`,
    ...(keyEnv === undefined ? {} : { keyEnv }),
  };
  if (config.provider === 'anthropic') {
    if (apiKey === undefined) throw new LlmConfigError('llm.apiKeyEnv', "provider 'anthropic' needs a key: name its variable in llm.apiKeyEnv.");
    return createAnthropicClient({ ...common, apiKey });
  }
  return createOpenAiCompatibleClient({ ...common, ...(apiKey === undefined ? {} : { apiKey }) });
}

