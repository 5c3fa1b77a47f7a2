import type { JsonValue } from '../domain.js';
import { outputValue } from './output.js';

/**
 * Whether a result the server reported as a success says, in its own words, that it failed:
 * `{"success": false}`, `{"ok": false}`, `{"status": "error"}`, a non-empty `error` (a relayed
 * JSON-RPC error object among them), text that opens with an error label ("Error: …",
 * "Elicitation error: …"), or text carrying a protocol error (`MCP error -32601`, "Method not
 * found", a JSON-RPC error code). Many servers report failures this way instead of setting isError,
 * and a task written backward from such a call would be built on a failure. A normal negative
 * finding (`{"valid": false}`, "No error found") is not a failure: only these forms are.
 */
export function failsInResult(result: JsonValue): boolean {
  const output = outputValue(result);
  return Array.isArray(output) ? output.some(signalsFailure) : signalsFailure(output);
}

const FAILED_STATUS = new Set(['error', 'failed', 'failure']);
/** "Error: …", "Elicitation error: …", "Internal server error: …": a label of at most three words first ("No error: …" is a finding). */
const ERROR_LABEL = /^\s*(?!no\s)(?:[a-z][\w-]*\s+){0,2}error\s*:/i;
/**
 * The SDK's "MCP error <code>", JSON-RPC's reserved codes (-32768 to -32000) next to the word error,
 * and the standard messages of the codes a client sends back to a server's own request.
 */
const PROTOCOL_ERROR = /\bMCP error -?\d+|\berror\b[^\n]{0,40}-32[0-7]\d\d\b|-32[0-7]\d\d\b[^\n]{0,40}\berror\b|\bmethod not found\b|\binvalid params\b|\bparse error\b[^\n]{0,20}json/i;

function signalsFailure(value: JsonValue): boolean {
  if (typeof value === 'string') return ERROR_LABEL.test(value) || PROTOCOL_ERROR.test(firstLine(value));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (value.success === false || value.ok === false) return true;
  if (typeof value.status === 'string' && FAILED_STATUS.has(value.status.toLowerCase())) return true;
  if (typeof value.text === 'string' && Object.keys(value).length === 1) return signalsFailure(value.text);
  const error = value.error;
  return error !== undefined && error !== null && error !== false && error !== '';
}

/** A protocol error is what a reply says first: a document that mentions one further down is a document. */
function firstLine(text: string): string {
  return text.trimStart().split('\n', 1)[0]!.slice(0, 300);
}
