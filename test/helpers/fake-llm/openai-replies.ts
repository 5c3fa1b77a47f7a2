/**
 * Replies in the chat-completions JSON shapes: a `chat.completion` with a message, tool_calls whose
 * arguments are JSON strings (or any string, to fake a malformed one), finish_reason and usage;
 * errors as `{"error":{"message","type","param","code"}}`.
 */
import type { FakeReply, RecordedRequest } from './recording-server.js';
import type { ScriptStep } from './script.js';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Reported as `prompt_tokens_details.cached_tokens` (part of prompt_tokens), as vLLM and OpenAI do. */
  cached_tokens?: number;
}

export interface CompletionOptions {
  usage?: ChatUsage;
  model?: string;
  finishReason?: string;
}

const DEFAULT_USAGE: ChatUsage = { prompt_tokens: 100, completion_tokens: 20 };
let counter = 0;
const nextId = (prefix: string) => `${prefix}-fake${String(++counter).padStart(6, '0')}`;

/** A completion whose message is given as it is (malformed tool calls included). */
export function chatCompletion(message: Record<string, unknown>, options: CompletionOptions = {}): ScriptStep {
  return (request: RecordedRequest): FakeReply => {
    const usage = { ...DEFAULT_USAGE, ...options.usage };
    return {
      status: 200,
      body: {
        id: nextId('chatcmpl'),
        object: 'chat.completion',
        created: 1_767_225_600,
        model: options.model ?? modelOf(request),
        choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: options.finishReason ?? 'stop' }],
        usage: {
          prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens,
          total_tokens: usage.prompt_tokens + usage.completion_tokens,
          ...(usage.cached_tokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cached_tokens } }),
        },
      },
    };
  };
}

export function chatText(text: string, options: CompletionOptions = {}): ScriptStep {
  return chatCompletion({ content: text }, options);
}

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** An object is sent as its JSON string; a string is sent as it is (malformed JSON, say). */
  arguments: unknown;
}

export function chatToolCalls(calls: ScriptedToolCall[], options: CompletionOptions & { text?: string } = {}): ScriptStep {
  const toolCalls = calls.map((call) => ({
    id: call.id ?? nextId('call'),
    type: 'function',
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
  return chatCompletion({ content: options.text ?? null, tool_calls: toolCalls }, { finishReason: 'tool_calls', ...options });
}

export function chatError(status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): FakeReply {
  return { status, headers, body: { error: { message, type, param: null, code } } };
}

/** 429 with `retry-after` (seconds or an HTTP date). */
export function chatRateLimited(retryAfter = '7'): FakeReply {
  return chatError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': retryAfter });
}

/** What vLLM and llama.cpp's server answer when their queue is full. */
export function chatOverloaded(): FakeReply {
  return chatError(503, 'The server is overloaded, try again later', 'server_error', 'overloaded');
}

export function chatServerError(): FakeReply {
  return chatError(500, 'The server had an error while processing your request.', 'server_error');
}

function modelOf(request: RecordedRequest): string {
  const body = request.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : 'unknown-model';
}
