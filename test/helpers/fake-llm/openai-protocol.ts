/**
 * The checks an OpenAI-compatible server makes that a client most easily gets wrong, answered with
 * the format's own errors: tool definitions, tool messages answering earlier tool_calls, the key.
 */
import { chatError } from './openai-replies.js';
import type { FakeReply, RecordedRequest } from './recording-server.js';

type Json = Record<string, unknown>;

export function checkChatRequest(request: RecordedRequest, apiKey: string | undefined): FakeReply | undefined {
  if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/chat/completions') {
    return chatError(404, `Unknown request URL: ${request.method} ${request.path}`, 'invalid_request_error', 'unknown_url');
  }
  if (apiKey !== undefined && request.headers.authorization !== `Bearer ${apiKey}`) {
    return chatError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  }
  const body = request.body as Json;
  if (typeof body !== 'object' || body === null) return invalid('We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string') return invalid("you must provide a model parameter");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("'messages' must contain at least one message");

  for (const [i, tool] of (Array.isArray(body.tools) ? (body.tools as Json[]) : []).entries()) {
    const fn = tool.function as Json | undefined;
    if (tool.type !== 'function' || typeof fn?.name !== 'string') return invalid(`tools[${i}]: expected {"type":"function","function":{"name":…}}`);
    if ((fn.parameters as Json | undefined)?.type !== 'object') return invalid(`tools[${i}].function.parameters: must be a JSON Schema object`);
  }

  // A tool message must answer a tool_call of the nearest assistant message before it.
  const messages = body.messages as Json[];
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'tool') continue;
    const assistant = messages.slice(0, i).reverse().find((earlier) => earlier.role === 'assistant');
    const ids = Array.isArray(assistant?.tool_calls) ? (assistant.tool_calls as Json[]).map((call) => call.id) : [];
    if (!ids.includes(message.tool_call_id)) {
      return invalid(`messages.[${i}].tool_call_id: '${String(message.tool_call_id)}' must respond to a preceding message with 'tool_calls'.`);
    }
  }
  return undefined;
}

function invalid(message: string): FakeReply {
  return chatError(400, message, 'invalid_request_error');
}
