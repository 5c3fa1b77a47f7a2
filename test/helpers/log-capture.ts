import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { loggerOf } from '../../src/logger-of.js';

/** One entry of the Temporal runtime's log, as the worker (SDK, workflows, activities) wrote it. */
export interface CapturedLog {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
}

type Sink = (entry: CapturedLog) => void;

// On globalThis: the setup file that installs the logger and the test file that reads it must
// share one set however the runner loads the two modules.
const SINKS = Symbol.for('firefly.test.logSinks');

function sinks(): Set<Sink> {
  const global = globalThis as { [SINKS]?: Set<Sink> };
  return (global[SINKS] ??= new Set());
}

/**
 * A logger for Runtime.install that gives every entry, whatever its level, to the sinks of
 * captureLogs(), then to `inner`, which filters what is printed.
 */
export function teeLogger(inner: Logger): Logger {
  return loggerOf((level: LogLevel, message: string, meta?: LogMetadata) => {
    for (const sink of sinks()) sink({ level, message, ...(meta === undefined ? {} : { meta }) });
    inner.log(level, message, meta);
  });
}

/** Collects every runtime log entry of this process from now until stop(). */
export function captureLogs(): { entries: CapturedLog[]; stop(): void } {
  const entries: CapturedLog[] = [];
  const sink: Sink = (entry) => entries.push(entry);
  sinks().add(sink);
  return { entries, stop: () => sinks().delete(sink) };
}
