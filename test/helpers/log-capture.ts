import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

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
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    for (const sink of sinks()) sink({ level, message, ...(meta === undefined ? {} : { meta }) });
    inner.log(level, message, meta);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** Collects every runtime log entry of this process from now until stop(). */
export function captureLogs(): { entries: CapturedLog[]; stop(): void } {
  const entries: CapturedLog[] = [];
  const sink: Sink = (entry) => entries.push(entry);
  sinks().add(sink);
  return { entries, stop: () => sinks().delete(sink) };
}
