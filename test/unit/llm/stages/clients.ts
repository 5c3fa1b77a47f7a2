/** Real clients pointed at the local fakes, for the stage tests. */
import { createAnthropicClient } from '../../../../src/llm/anthropic-client.js';
import { createOpenAiCompatibleClient } from '../../../../src/llm/openai-client.js';
import type { LlmClient } from '../../../../src/llm/types.js';
import type { FakeLlmServer } from '../../../helpers/fake-llm/fake-server.js';

export const KEY = 'sk-ant-fake-key';

export function anthropicClientFor(server: FakeLlmServer, model = 'claude-haiku-4-5'): LlmClient {
  return createAnthropicClient({ model, apiKey: KEY, baseURL: server.baseURL, timeoutMs: 10_000, keyEnv: 'ANTHROPIC_API_KEY', modelField: 'llm.models.agent' });
}

export function openAiClientFor(server: FakeLlmServer, model = 'qwen3:8b'): LlmClient {
  return createOpenAiCompatibleClient({ model, baseURL: server.baseURL, timeoutMs: 10_000, modelField: 'llm.models.agent' });
}

type Json = Record<string, unknown>;

/** The messages of a recorded Messages API request. */
export function messagesOf(body: unknown): Json[] {
  return ((body as Json).messages ?? []) as Json[];
}

/** Content blocks of one type across a request's messages. */
export function blocksOf(body: unknown, type: string): Json[] {
  return messagesOf(body).flatMap((m) => (Array.isArray(m.content) ? (m.content as Json[]) : [])).filter((b) => b.type === type);
}
