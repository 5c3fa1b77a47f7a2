import type { temporal } from '@temporalio/proto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedLog } from './log-capture.js';

/** How a secret may be written: as is, inside JSON text, and inside JSON text inside JSON text. */
export function spellings(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, once, JSON.stringify(once).slice(1, -1)])];
}

/** Whether `haystack` (text or bytes) holds any spelling of `secret`. */
export function holds(haystack: string | Buffer, secret: string): boolean {
  return spellings(secret).some((spelling) => haystack.includes(spelling));
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export interface EventText {
  eventType: string;
  activityType?: string;
  text: string;
}

/**
 * Each event of a history as searchable text: its proto JSON (failure messages, stack traces,
 * search attributes) followed by every payload's data decoded from base64, since inputs and
 * results are JSON inside payloads and base64 would hide them from a plain search.
 */
export function historyEvents(history: temporal.api.history.v1.IHistory): EventText[] {
  const { events } = JSON.parse(historyToJSON(history)) as { events: Array<Record<string, unknown>> };
  return events.map((event) => {
    const json = JSON.stringify(event);
    const decoded: string[] = [];
    JSON.parse(json, (key, value: unknown) => {
      if (key === 'data' && typeof value === 'string') decoded.push(Buffer.from(value, 'base64').toString('utf8'));
      return value;
    });
    const scheduled = event.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined;
    return {
      eventType: String(event.eventType),
      ...(scheduled?.activityType?.name ? { activityType: scheduled.activityType.name } : {}),
      text: [json, ...decoded].join('\n'),
    };
  });
}

/** A log entry as text, with everything it carries: errors with their stacks and own fields, bytes decoded. */
export function logText(entry: CapturedLog): string {
  const seen = new WeakSet<object>();
  const plain = (value: unknown, depth: number): unknown => {
    if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (typeof value !== 'object' || value === null || depth > 30 || seen.has(value)) return value;
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(value)) copy[key] = plain((value as Record<string, unknown>)[key], depth + 1);
    if (value instanceof Error && value.cause !== undefined) copy.cause = plain(value.cause, depth + 1);
    return copy;
  };
  return JSON.stringify({ level: entry.level, message: entry.message, meta: plain(entry.meta, 0) });
}
