/**
 * A Messages API response → LlmResponse. The SDK types the body but does not check it, so every
 * field is read as untrusted JSON: a tool_use block without an id, name or object input is the
 * model's (or a proxy's) malformed output, reported with the block as it came.
 */
import type { JsonObject } from '../domain.js';
import { isJsonObject } from '../json.js';
import { objectOf, stringOf, tokenCount } from './wire-json.js';
import { malformed, requireObjectArguments, requireOfferedTools, type AnswerContext } from './tool-calls.js';
import type { LlmRequest, LlmResponse, LlmStopReason, LlmToolCall, LlmUsage } from './types.js';

const STOP_REASONS: Record<string, LlmStopReason> = {
  end_turn: 'end-turn',
  tool_use: 'tool-use',
  max_tokens: 'max-tokens',
  stop_sequence: 'stop-sequence',
  refusal: 'refusal',
};

export function fromAnthropicMessage(body: unknown, request: LlmRequest, requestedModel: string): LlmResponse {
  const message = objectOf(body);
  const usage = anthropicUsage(message.usage);
  const model = stringOf(message.model) ?? requestedModel;
  const context: AnswerContext = { provider: 'anthropic', model, usage };
  const blocks = Array.isArray(message.content) ? message.content : [];

  const texts: string[] = [];
  const toolCalls: LlmToolCall[] = [];
  for (const block of blocks) {
    if (!isJsonObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    if (block.type === 'tool_use') toolCalls.push(toolCall(block, context));
  }
  requireOfferedTools(toolCalls, request, context);

  const providerStopReason = stringOf(message.stop_reason) ?? null;
  return {
    text: texts.join(''),
    toolCalls,
    stopReason: (providerStopReason && STOP_REASONS[providerStopReason]) || 'other',
    providerStopReason,
    usage,
    model,
  };
}

function toolCall(block: JsonObject, context: AnswerContext): LlmToolCall {
  const raw = JSON.stringify(block);
  const id = stringOf(block.id);
  const name = stringOf(block.name);
  const hasInput = 'input' in block;
  if (!id || !name || !hasInput) {
    const missing = [id ? '' : 'id', name ? '' : 'name', hasInput ? '' : 'input'].filter(Boolean);
    const known = { ...(id ? { id } : {}), ...(name ? { name } : {}) };
    throw malformed(context, 'missing-field', raw, `its tool_use block lacks ${missing.join(', ')}`, known);
  }
  return { id, name, arguments: requireObjectArguments(block.input, raw, { id, name }, context) };
}

/** Cache fields are null or absent when caching was not involved. */
export function anthropicUsage(value: unknown): LlmUsage {
  const usage = objectOf(value);
  return {
    inputTokens: tokenCount(usage.input_tokens),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadTokens: tokenCount(usage.cache_read_input_tokens),
    cacheWriteTokens: tokenCount(usage.cache_creation_input_tokens),
  };
}
