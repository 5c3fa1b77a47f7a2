/**
 * The one interface every LLM-driven stage uses, whatever the provider. Shapes are plain data in
 * provider-neutral terms: each client converts them to its wire format and back, so a stage never
 * sees an Anthropic content block or a chat-completions `tool_calls` entry.
 */
import type { JsonObject, JsonSchema } from '../domain.js';

export type LlmProvider = 'anthropic' | 'openai-compatible';

/** One tool call the model asked for; `arguments` is already parsed (see MalformedOutputError). */
export interface LlmToolCall {
  /** The provider's id for the call; a tool result answers it by this id. */
  id: string;
  name: string;
  arguments: JsonObject;
}

/** What a tool returned, sent back to the model. */
export interface LlmToolResult {
  /** The `id` of the LlmToolCall this answers. */
  toolCallId: string;
  content: string;
  /** The call failed; the model should correct it rather than build on it. */
  isError?: boolean;
}

export interface LlmUserMessage {
  role: 'user';
  text: string;
}

export interface LlmAssistantMessage {
  role: 'assistant';
  text: string;
  toolCalls?: LlmToolCall[];
}

/** The results of one assistant turn's tool calls, in one message. */
export interface LlmToolResultsMessage {
  role: 'tool';
  results: LlmToolResult[];
}

export type LlmMessage = LlmUserMessage | LlmAssistantMessage | LlmToolResultsMessage;

/** A tool offered to the model; `inputSchema` is the MCP tool's JSON Schema (an object schema). */
export interface LlmTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}

/** `auto`: the model may call a tool; `any`: it must call one; `{ name }`: it must call that one. */
export type LlmToolChoice = 'auto' | 'any' | { name: string };

export interface LlmRequest {
  /** Instructions that stay the same across a stage's calls: the prefix prompt caching reuses. */
  system: string;
  messages: LlmMessage[];
  tools?: LlmTool[];
  toolChoice?: LlmToolChoice;
  maxTokens: number;
  temperature?: number;
  /**
   * Mark the system prompt and tool definitions as a cacheable prefix. Anthropic needs explicit
   * breakpoints for this; OpenAI-compatible servers (vLLM, llama.cpp) cache prefixes by themselves.
   */
  cacheStablePrefix?: boolean;
}

/** Why the model stopped, in provider-neutral terms; `other` keeps the provider's word in `providerStopReason`. */
export type LlmStopReason = 'end-turn' | 'tool-use' | 'max-tokens' | 'stop-sequence' | 'refusal' | 'other';

/**
 * Tokens of one call. `inputTokens` counts only input billed at the full price: prompt tokens read
 * from or written to the cache are counted apart, so the four figures never overlap and their
 * sum is the whole prompt plus the output.
 */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LlmResponse {
  text: string;
  toolCalls: LlmToolCall[];
  stopReason: LlmStopReason;
  /** The provider's own stop reason, for records and for `other`. */
  providerStopReason: string | null;
  usage: LlmUsage;
  /** The model that answered, as the provider names it (may carry a date suffix). */
  model: string;
}

/** Per-call options that are not part of what the model sees. */
export interface LlmCallOptions {
  /** Aborts the request, e.g. when the Temporal activity running it is cancelled. */
  signal?: AbortSignal;
}

export interface LlmClient {
  readonly provider: LlmProvider;
  /** The model requests go to. */
  readonly model: string;
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<LlmResponse>;
}

export const ZERO_USAGE: Readonly<LlmUsage> = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
