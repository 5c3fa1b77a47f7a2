/**
 * Replies in the Messages API's own JSON shapes: a `message` with text and tool_use blocks,
 * stop_reason and usage (cache fields included), and `{"type":"error","error":{…}}` errors.
 */
import type { FakeReply, RecordedRequest } from './recording-server.js';
import type { ScriptStep } from './script.js';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface MessageOptions {
  usage?: AnthropicUsage;
  /** Default: the model the request named. */
  model?: string;
  stopReason?: string;
}

const DEFAULT_USAGE: AnthropicUsage = { input_tokens: 100, output_tokens: 20 };
let counter = 0;
const nextId = (prefix: string) => `${prefix}_fake${String(++counter).padStart(6, '0')}`;

/** A message with these content blocks, as they are (malformed blocks included). */
export function anthropicMessage(content: unknown[], options: MessageOptions = {}): ScriptStep {
  return (request: RecordedRequest): FakeReply => {
    const usage = { ...DEFAULT_USAGE, ...options.usage };
    const cacheWrite = usage.cache_creation_input_tokens ?? 0;
    return {
      status: 200,
      headers: { 'request-id': nextId('req') },
      body: {
        id: nextId('msg'),
        type: 'message',
        role: 'assistant',
        model: options.model ?? modelOf(request),
        content,
        stop_reason: options.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_creation_input_tokens: cacheWrite,
          cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
          cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
          server_tool_use: null,
          service_tier: 'standard',
        },
      },
    };
  };
}

export function anthropicText(text: string, options: MessageOptions = {}): ScriptStep {
  return anthropicMessage([{ type: 'text', text }], { stopReason: 'end_turn', ...options });
}

export interface ScriptedToolUse {
  id?: string;
  name: string;
  input: unknown;
}

export function anthropicToolUse(calls: ScriptedToolUse[], options: MessageOptions & { text?: string } = {}): ScriptStep {
  const blocks = calls.map((call) => ({ type: 'tool_use', id: call.id ?? nextId('toolu'), name: call.name, input: call.input }));
  const content = options.text ? [{ type: 'text', text: options.text }, ...blocks] : blocks;
  return anthropicMessage(content, { stopReason: 'tool_use', ...options });
}

export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'request-id': nextId('req'), ...headers }, body: { type: 'error', error: { type, message }, request_id: nextId('req') } };
}

/** 429 with `retry-after` (seconds or an HTTP date), as the API sends it. */
export function anthropicRateLimited(retryAfter = '7'): FakeReply {
  return anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.', { 'retry-after': retryAfter });
}

export function anthropicOverloaded(): FakeReply {
  return anthropicError(529, 'overloaded_error', 'Overloaded');
}

export function anthropicServerError(): FakeReply {
  return anthropicError(500, 'api_error', 'Internal server error');
}

function modelOf(request: RecordedRequest): string {
  const body = request.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : 'claude-unknown';
}
