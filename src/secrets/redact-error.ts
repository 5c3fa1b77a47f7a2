import type { Redactor } from './redactor.js';

/**
 * Redacts an error in place: its message, its stack (which repeats the message) and every other
 * string it carries (a launch error's stderr tail), then its causes. In place, so that the error
 * keeps its class, and with it the type and retryability Temporal reads from it; an error is
 * redacted only on its way out of the process, where no one needs the secret any more.
 */
export function redactError<T>(error: T, redactor: Redactor, seen = new Set<unknown>()): T {
  if (!(error instanceof Error) || seen.has(error)) return error;
  seen.add(error);
  const fields = error as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(error)) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    try {
      fields[key] = redactor.redactText(value);
    } catch {
      // A read-only property: nothing a caller sets can be there, so nothing secret either.
    }
  }
  redactError(error.cause, redactor, seen);
  return error;
}
