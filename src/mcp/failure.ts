import type { JsonValue } from '../domain.js';
import { outputValue } from './output.js';

/**
 * Whether a result the server reported as a success says, in its own words, that it failed:
 * `{"success": false}`, `{"ok": false}`, `{"status": "error"}`, a non-empty `error`, or text that
 * starts with "Error:". Many servers report failures this way instead of setting isError, and a
 * task written backward from such a call would be built on a failure.
 */
export function failsInResult(result: JsonValue): boolean {
  const output = outputValue(result);
  return Array.isArray(output) ? output.some(signalsFailure) : signalsFailure(output);
}

const FAILED_STATUS = new Set(['error', 'failed', 'failure']);

function signalsFailure(value: JsonValue): boolean {
  if (typeof value === 'string') return /^\s*error\s*:/i.test(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (value.success === false || value.ok === false) return true;
  if (typeof value.status === 'string' && FAILED_STATUS.has(value.status.toLowerCase())) return true;
  if (typeof value.text === 'string' && Object.keys(value).length === 1) return signalsFailure(value.text);
  const error = value.error;
  return error !== undefined && error !== null && error !== false && error !== '';
}
