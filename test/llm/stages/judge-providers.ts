/**
 * Both providers behind one shape, so each judge test runs against the fake Messages API and the
 * fake chat-completions server with the real clients: how to script a forced tool call (or a
 * malformed one) with given usage, what that usage becomes in LlmUsage, and how to read a request.
 */
import { createAnthropicClient } from '../../../src/llm/anthropic-client.js';
import { createOpenAiCompatibleClient } from '../../../src/llm/openai-client.js';
import type { LlmClient, LlmUsage } from '../../../src/llm/types.js';
import { anthropicMessage, anthropicToolUse } from '../../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../../helpers/fake-llm/fake-server.js';
import { chatToolCalls } from '../../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../../helpers/fake-llm/openai-server.js';
import type { ScriptStep } from '../../helpers/fake-llm/script.js';

/** Tokens one scripted reply reports: `cached` is a cache read on both providers. */
export interface Tokens {
  input: number;
  output: number;
  cached?: number;
}

export interface JudgeProvider {
  name: 'anthropic' | 'openai-compatible';
  model: string;
  start(): Promise<FakeLlmServer>;
  client(server: FakeLlmServer): LlmClient;
  toolCall(name: string, args: unknown, tokens: Tokens): ScriptStep;
  /** A forced call whose arguments cannot be parsed at all. */
  malformed(name: string, tokens: Tokens): ScriptStep;
  /** What the client reports for `tokens`. */
  usage(tokens: Tokens): LlmUsage;
  /** The request's user text and the tool choice it forced. */
  userText(body: unknown): string;
  forcedTool(body: unknown): string | undefined;
}

// Recorded bodies are read loosely: the assertions say what must be there.
type Json = Record<string, any>;

const KEY = 'sk-ant-fake-key';

export const ANTHROPIC: JudgeProvider = {
  name: 'anthropic',
  model: 'claude-haiku-4-5',
  start: () => startFakeAnthropic({ apiKey: KEY }),
  client: (server) => createAnthropicClient({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL: server.baseURL, timeoutMs: 10_000, keyEnv: 'ANTHROPIC_API_KEY', modelField: 'llm.models.judge' }),
  toolCall: (name, input, t) => anthropicToolUse([{ name, input }], { usage: { input_tokens: t.input, output_tokens: t.output, cache_read_input_tokens: t.cached ?? 0 } }),
  // A tool_use block without `input`: the API's own way of being unusable.
  malformed: (name, t) => anthropicMessage([{ type: 'tool_use', id: 'toolu_bad', name }], { stopReason: 'tool_use', usage: { input_tokens: t.input, output_tokens: t.output, cache_read_input_tokens: t.cached ?? 0 } }),
  usage: (t) => ({ inputTokens: t.input, outputTokens: t.output, cacheReadTokens: t.cached ?? 0, cacheWriteTokens: 0 }),
  userText: (body) => ((body as Json).messages as Json[]).flatMap((m) => (m.content as Json[]).map((b) => b.text as string)).join('\n'),
  forcedTool: (body) => ((body as Json).tool_choice?.type === 'tool' ? (body as Json).tool_choice.name : undefined),
};

export const OPENAI: JudgeProvider = {
  name: 'openai-compatible',
  model: 'qwen3:8b',
  start: () => startFakeOpenAi(),
  client: (server) => createOpenAiCompatibleClient({ model: 'qwen3:8b', baseURL: server.baseURL, timeoutMs: 10_000, modelField: 'llm.models.judge' }),
  // prompt_tokens includes the cached part on this API.
  toolCall: (name, args, t) => chatToolCalls([{ name, arguments: args }], { usage: { prompt_tokens: t.input + (t.cached ?? 0), completion_tokens: t.output, cached_tokens: t.cached ?? 0 } }),
  malformed: (name, t) => chatToolCalls([{ name, arguments: '{"judgements": [{"pair": "P1", "edge": tru' }], { usage: { prompt_tokens: t.input + (t.cached ?? 0), completion_tokens: t.output, cached_tokens: t.cached ?? 0 } }),
  usage: (t) => ({ inputTokens: t.input, outputTokens: t.output, cacheReadTokens: t.cached ?? 0, cacheWriteTokens: 0 }),
  userText: (body) => ((body as Json).messages as Json[]).filter((m) => m.role === 'user').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n'),
  forcedTool: (body) => ((body as Json).tool_choice?.type === 'function' ? (body as Json).tool_choice.function.name : undefined),
};

export const PROVIDERS = [ANTHROPIC, OPENAI];

export function sumUsage(all: LlmUsage[]): LlmUsage {
  return all.reduce(
    (sum, u) => ({
      inputTokens: sum.inputTokens + u.inputTokens,
      outputTokens: sum.outputTokens + u.outputTokens,
      cacheReadTokens: sum.cacheReadTokens + u.cacheReadTokens,
      cacheWriteTokens: sum.cacheWriteTokens + u.cacheWriteTokens,
    }),
    { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  );
}
