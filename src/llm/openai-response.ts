/**
 * A chat-completions response → LlmResponse. Arguments arrive as JSON strings written by the
 * model, so they are parsed here and a string that is not a JSON object is a MalformedOutputError.
 */
import type { JsonObject } from '../domain.js';
import { malformed, parseArguments, requireObjectArguments, requireOfferedTools, type AnswerContext } from './tool-calls.js';
import type { LlmRequest, LlmResponse, LlmStopReason, LlmToolCall, LlmUsage } from './types.js';
import { objectOf, stringOf, tokenCount } from './wire-json.js';

const FINISH_REASONS: Record<string, LlmStopReason> = {
  stop: 'end-turn',
  tool_calls: 'tool-use',
  function_call: 'tool-use',
  length: 'max-tokens',
  content_filter: 'refusal',
};

export function fromChatCompletion(body: unknown, request: LlmRequest, requestedModel: string): LlmResponse {
  const completion = objectOf(body);
  const usage = chatUsage(completion.usage);
  const model = stringOf(completion.model) ?? requestedModel;
  const context: AnswerContext = { provider: 'openai-compatible', model, usage };
  const choice = objectOf(Array.isArray(completion.choices) ? completion.choices[0] : undefined);
  const message = objectOf(choice.message);

  const rawCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const toolCalls = rawCalls.map((call, index) => toolCall(objectOf(call), index, context));
  requireOfferedTools(toolCalls, request, context);

  const providerStopReason = stringOf(choice.finish_reason) ?? null;
  // Ollama and some llama.cpp builds finish with "stop" even when the turn calls tools.
  const stopReason: LlmStopReason =
    toolCalls.length > 0 ? 'tool-use' : (providerStopReason && FINISH_REASONS[providerStopReason]) || 'other';
  return { text: stringOf(message.content) ?? '', toolCalls, stopReason, providerStopReason, usage, model };
}

function toolCall(call: JsonObject, index: number, context: AnswerContext): LlmToolCall {
  const fn = objectOf(call.function);
  const name = stringOf(fn.name);
  // Some local servers omit the id. It only pairs a call with its result, which we send back
  // ourselves, so a stable stand-in does the job.
  const id = stringOf(call.id) || `call_${index}`;
  if (!name) throw malformed(context, 'missing-field', JSON.stringify(call), 'its tool call lacks function.name', { id });
  const args = fn.arguments;
  // OpenAI sends a JSON string; a few servers send the object itself.
  if (typeof args === 'string') return { id, name, arguments: parseArguments(args, { id, name }, context) };
  if (args === undefined) return { id, name, arguments: {} };
  return { id, name, arguments: requireObjectArguments(args, JSON.stringify(args), { id, name }, context) };
}

/**
 * `prompt_tokens` includes the cached part (`prompt_tokens_details.cached_tokens`); LlmUsage counts
 * it apart, so that the cached share is priced as such. These servers report no cache writes.
 */
export function chatUsage(value: unknown): LlmUsage {
  const usage = objectOf(value);
  const prompt = tokenCount(usage.prompt_tokens);
  const cached = Math.min(prompt, tokenCount(objectOf(usage.prompt_tokens_details).cached_tokens));
  return { inputTokens: prompt - cached, outputTokens: tokenCount(usage.completion_tokens), cacheReadTokens: cached, cacheWriteTokens: 0 };
}
