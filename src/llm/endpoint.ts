import type { LlmProvider } from './types.js';

/** Where a client sends its requests, and the names a person fixes when they fail. */
export interface Endpoint {
  provider: LlmProvider;
  /** e.g. `https://api.anthropic.com` or `http://127.0.0.1:8000/v1`. */
  baseURL: string;
  model: string;
  timeoutMs: number;
  /** The environment variable holding the key, named in auth errors. */
  keyEnv?: string;
  /** The configuration field that chose the model, e.g. `llm.models.judge`, named in not-found errors. */
  modelField?: string;
}

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** "the Anthropic API" or "the OpenAI-compatible endpoint at http://…", for messages. */
export function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.provider === 'anthropic') {
    return endpoint.baseURL.replace(/\/+$/, '') === ANTHROPIC_BASE_URL
      ? 'the Anthropic API'
      : `the Anthropic API at ${endpoint.baseURL}`;
  }
  return `the OpenAI-compatible endpoint at ${endpoint.baseURL}`;
}
