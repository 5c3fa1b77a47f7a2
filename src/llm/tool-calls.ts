/**
 * Turning the model's tool calls into LlmToolCalls, the same way for every provider: arguments
 * must be a JSON object, and the tool must be one that was offered. Anything else becomes a
 * MalformedOutputError that keeps the raw output, so the caller can retry or reject with it.
 */
import type { JsonObject, JsonValue } from '../domain.js';
import { isJsonObject } from '../json.js';
import { MalformedOutputError, type MalformedReason } from './errors.js';
import type { LlmProvider, LlmRequest, LlmToolCall, LlmUsage } from './types.js';

/** What a malformed-output error needs to say besides the call itself. */
export interface AnswerContext {
  provider: LlmProvider;
  model: string;
  usage: LlmUsage;
}

export function malformed(
  context: AnswerContext,
  reason: MalformedReason,
  raw: string,
  detail: string,
  call: { id?: string; name?: string } = {},
): MalformedOutputError {
  const which = call.name ? `its call of tool '${call.name}'` : 'a tool call';
  return new MalformedOutputError(
    `${context.model} answered with ${which} that cannot be used: ${detail}. Retry the request, or reject the output with this reason.`,
    {
      ...context,
      reason,
      raw,
      ...(call.name === undefined ? {} : { toolName: call.name }),
      ...(call.id === undefined ? {} : { toolCallId: call.id }),
    },
  );
}

/**
 * Arguments sent as a JSON string (chat completions). An empty string means no arguments: some
 * local servers send "" for a tool without parameters where OpenAI would send "{}".
 */
export function parseArguments(raw: string, call: { id: string; name: string }, context: AnswerContext): JsonObject {
  if (raw.trim() === '') return {};
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw malformed(context, 'invalid-json', raw, `its arguments are not valid JSON (${(error as Error).message})`, call);
  }
  return requireObjectArguments(parsed, raw, call, context);
}

export function requireObjectArguments(
  value: JsonValue | undefined,
  raw: string,
  call: { id: string; name: string },
  context: AnswerContext,
): JsonObject {
  if (isJsonObject(value)) return value;
  throw malformed(context, 'not-an-object', raw, `its arguments are ${describe(value)}, not a JSON object`, call);
}

/** Every call must name a tool the request offered; a made-up name would be "called" on nothing. */
export function requireOfferedTools(calls: LlmToolCall[], request: LlmRequest, context: AnswerContext): void {
  const offered = new Set((request.tools ?? []).map((tool) => tool.name));
  for (const call of calls) {
    if (!offered.has(call.name)) {
      const names = offered.size === 0 ? 'no tools were offered' : `offered: ${[...offered].join(', ')}`;
      throw malformed(context, 'unknown-tool', JSON.stringify(call), `'${call.name}' is not an offered tool (${names})`, call);
    }
  }
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
