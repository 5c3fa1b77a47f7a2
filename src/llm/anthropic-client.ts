/**
 * Claude through the official SDK. The SDK's own retries are off: Temporal retries the activity,
 * so every attempt shows in the run's history and honours the run's retry policy.
 */
import Anthropic from '@anthropic-ai/sdk';
import { fromAnthropicError } from './anthropic-errors.js';
import { toAnthropicParams } from './anthropic-request.js';
import { fromAnthropicMessage } from './anthropic-response.js';
import { ANTHROPIC_BASE_URL, type Endpoint } from './endpoint.js';
import type { LlmCallOptions, LlmClient, LlmRequest, LlmResponse } from './types.js';
import { validateRequest } from './validate-request.js';

export interface AnthropicClientOptions {
  model: string;
  apiKey: string;
  /** Default https://api.anthropic.com; tests point it at a local server speaking the Messages API. */
  baseURL?: string;
  timeoutMs: number;
  /** Named in error messages: the variable holding the key, the field that chose the model. */
  keyEnv?: string;
  modelField?: string;
}

export function createAnthropicClient(options: AnthropicClientOptions): LlmClient {
  const endpoint: Endpoint = {
    provider: 'anthropic',
    baseURL: options.baseURL ?? ANTHROPIC_BASE_URL,
    model: options.model,
    timeoutMs: options.timeoutMs,
    ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
    ...(options.modelField === undefined ? {} : { modelField: options.modelField }),
  };
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    baseURL: endpoint.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });

  return {
    provider: 'anthropic',
    model: options.model,
    async complete(request: LlmRequest, callOptions: LlmCallOptions = {}): Promise<LlmResponse> {
      validateRequest(request, endpoint);
      let body: unknown;
      try {
        body = await sdk.messages.create(
          toAnthropicParams(request, options.model),
          callOptions.signal ? { signal: callOptions.signal } : undefined,
        );
      } catch (error) {
        throw fromAnthropicError(error, endpoint);
      }
      return fromAnthropicMessage(body, request, options.model);
    },
  };
}
