/**
 * The checks the real Messages API makes that a client most easily gets wrong, answered with the
 * API's own 400/401 errors, so that a wrong request shape fails the test the way it would fail in
 * production rather than being scripted through.
 */
import { anthropicError } from './anthropic-replies.js';
import type { FakeReply, RecordedRequest } from './recording-server.js';

type Json = Record<string, unknown>;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function checkMessagesRequest(request: RecordedRequest, apiKey: string | undefined): FakeReply | undefined {
  if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages') {
    return anthropicError(404, 'not_found_error', `Not found: ${request.method} ${request.path}`);
  }
  const presented = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer\s+/i, '');
  if (!presented) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  if (apiKey !== undefined && presented !== apiKey) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
  if (!request.headers['anthropic-version']) return invalid('anthropic-version: header is required');

  const body = request.body as Json;
  if (typeof body !== 'object' || body === null) return invalid('The request body is not valid JSON.');
  if (typeof body.model !== 'string') return invalid('model: Field required');
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return invalid('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages: at least one message is required');

  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  for (const [i, tool] of tools.entries()) {
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return invalid(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    if ((tool.input_schema as Json | undefined)?.type !== 'object') return invalid(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
  }
  if (body.tool_choice !== undefined && tools.length === 0) return invalid('tool_choice: tool_choice may only be specified while providing tools.');
  return checkToolPairing(body.messages as Json[]);
}

/** Every tool_use must be answered by a tool_result in the next user turn, and only then. */
function checkToolPairing(messages: Json[]): FakeReply | undefined {
  if (messages[0]?.role !== 'user') return invalid('messages: first message must use the "user" role');
  for (const [i, message] of messages.entries()) {
    const uses = blocksOf(message, 'tool_use').map((block) => block.id);
    const results = blocksOf(message, 'tool_result').map((block) => block.tool_use_id);
    if (results.length > 0) {
      const previous = messages[i - 1];
      const offered = previous ? blocksOf(previous, 'tool_use').map((block) => block.id) : [];
      const stray = results.find((id) => !offered.includes(id));
      if (stray !== undefined) {
        return invalid(`messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(stray)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
    const next = messages[i + 1];
    if (uses.length > 0 && next !== undefined) {
      const answered = blocksOf(next, 'tool_result').map((block) => block.tool_use_id);
      const open = uses.filter((id) => !answered.includes(id));
      if (open.length > 0) {
        return invalid(`messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${open.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
    }
  }
  return undefined;
}

function blocksOf(message: Json, type: string): Json[] {
  return Array.isArray(message.content) ? (message.content as Json[]).filter((block) => block?.type === type) : [];
}

function invalid(message: string): FakeReply {
  return anthropicError(400, 'invalid_request_error', message);
}
