import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { loggerOf } from '../logger-of.js';
import { redactError } from './redact-error.js';
import type { Redactor } from './redactor.js';

/** Deeper metadata than this is not walked: logs carry ids and errors, not documents. */
const MAX_DEPTH = 8;

/**
 * A logger that redacts each message and its metadata (strings, nested objects, errors) before
 * handing them on. The worker installs it as Temporal's runtime logger, so activity and workflow
 * logs and the SDK's own (an activity's failure, with its error) pass through it.
 */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return loggerOf((level: LogLevel, message: string, meta?: LogMetadata) =>
    inner.log(level, redactor.redactText(message), meta === undefined ? undefined : (redactMeta(meta, redactor, 0, new WeakSet()) as LogMetadata)),
  );
}

function redactMeta(value: unknown, redactor: Redactor, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactor.redactText(value);
  if (value instanceof Error) return redactError(value, redactor);
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactMeta(item, redactor, depth + 1, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  // Symbol keys too: the SDK passes a log entry's timestamp under one.
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(value)) copy[key] = redactMeta((value as Record<string | symbol, unknown>)[key], redactor, depth + 1, seen);
  return copy;
}
