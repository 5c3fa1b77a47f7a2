import type { JsonValue, VolatilePath } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { linesOfText, primitiveLeaves } from './json-path.js';

/** Two observations of the same call: the probe's, and the same call made again on a fresh sandbox later. */
export interface RepeatedCall {
  tool: string;
  first: { result: JsonValue; isError: boolean };
  again: { result: JsonValue; isError: boolean };
}

/** How long a second observation waits after the first: long enough for a seconds clock to tick over. */
export const CLOCK_TICK_MS = 1_100;

/** How near "now" a date or epoch number must be to count as read off the clock (either side). */
const CLOCK_WINDOW_MS = 36 * 60 * 60 * 1000;

/**
 * The output paths of each tool whose values do not hold: those that differed between the two
 * observations of a call (`changed`: timestamps, random values, generated ids, process-dependent
 * text), and those that hold a date, an epoch time or a weekday within a day and a half of now
 * (`clock`: the run's own clock, which a date-only value or a slow clock would not show changing). Paths are
 * patterns (`notes[].createdAt`): a volatile field of one element is volatile in every element.
 */
export function volatilePaths(calls: RepeatedCall[], now = Date.now()): Map<string, VolatilePath[]> {
  const byTool = new Map<string, Map<string, VolatilePath['reason']>>();
  const mark = (tool: string, path: string, reason: VolatilePath['reason']) => {
    const paths = byTool.get(tool) ?? new Map<string, VolatilePath['reason']>();
    if (!paths.has(path)) paths.set(path, reason);
    byTool.set(tool, paths);
  };
  for (const call of calls) {
    if (call.first.isError) continue;
    const first = leafMap(outputValue(call.first.result));
    const again = call.again.isError ? new Map<string, JsonValue>() : leafMap(outputValue(call.again.result));
    for (const [path, value] of first) {
      const other = again.get(path);
      if (!call.again.isError && JSON.stringify(other) !== JSON.stringify(value)) {
        // Two texts of the same lines, some changed ("size: 74" kept, "modified: …" not): only those lines are volatile.
        const lines = changedLines(value, other);
        if (lines) for (const k of lines) mark(call.tool, `${patternOf(path)}#line[${k}]`, 'changed');
        else mark(call.tool, patternOf(path), 'changed');
      } else if (readsClock(value, now)) mark(call.tool, patternOf(path), 'clock');
    }
    for (const path of again.keys()) if (!first.has(path)) mark(call.tool, patternOf(path), 'changed');
  }
  return new Map([...byTool].map(([tool, paths]) => [tool, [...paths].map(([path, reason]) => ({ path, reason }))]));
}

/** Whether a concrete output path (`notes[2].createdAt`) falls under one of a tool's volatile patterns. */
export function isVolatile(path: string, volatile: readonly VolatilePath[] | undefined): boolean {
  if (!volatile || volatile.length === 0) return false;
  const pattern = patternOf(path);
  return volatile.some((v) => pattern === v.path || pattern.startsWith(`${v.path}.`) || pattern.startsWith(`${v.path}[`) || pattern.startsWith(`${v.path}#`));
}

/** `notes[2].createdAt` → `notes[].createdAt`; a text part's own index stays (`content#line[1]`). */
export function patternOf(path: string): string {
  const part = /#\w+\[\d+\]$/.exec(path);
  const base = part ? path.slice(0, part.index) : path;
  return `${base.replace(/\[\d+\]/g, '[]')}${part ? part[0] : ''}`;
}

/** The indices of the lines that differ between two multi-line texts with as many lines; undefined otherwise. */
function changedLines(first: JsonValue | undefined, again: JsonValue | undefined): number[] | undefined {
  if (typeof first !== 'string' || typeof again !== 'string') return undefined;
  const [a, b] = [linesOfText(first), linesOfText(again)];
  if (a.length < 2 || a.length !== b.length) return undefined;
  return a.flatMap((line, k) => (line === b[k] ? [] : [k]));
}

function leafMap(value: JsonValue): Map<string, JsonValue> {
  return new Map(primitiveLeaves(value).map((leaf) => [leaf.path, leaf.value]));
}

/** A date or time string, or an epoch number in seconds or milliseconds, close to now. */
function readsClock(value: JsonValue, now: number): boolean {
  if (typeof value === 'number') {
    return Number.isInteger(value) && (Math.abs(value * 1000 - now) < CLOCK_WINDOW_MS || Math.abs(value - now) < CLOCK_WINDOW_MS);
  }
  if (typeof value !== 'string') return false;
  return datesIn(value).some((time) => Math.abs(time - now) < CLOCK_WINDOW_MS) || isTodaysWeekday(value, now);
}

/** "Monday" on a Monday: the day of the week, as a clock tool names it. */
function isTodaysWeekday(text: string, now: number): boolean {
  const name = text.trim().toLowerCase();
  if (name.length < 3 || name.length > 9) return false;
  return [-1, 0, 1].some((days) => {
    const day = new Date(now + days * 86_400_000);
    const long = day.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase();
    return name === long || name === long.slice(0, 3);
  });
}

/** ISO dates and times inside a text ("2026-12-07", "2026-12-07T09:15:02Z", "Created 2026-12-07 09:15"). */
function datesIn(text: string): number[] {
  const found: number[] = [];
  for (const match of text.matchAll(/\b((?:19|20)\d{2}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?/g)) {
    const time = Date.parse(match[2] ? `${match[1]}T${match[2]}${match[3] ?? 'Z'}` : `${match[1]}T12:00:00Z`);
    if (Number.isFinite(time)) found.push(time);
  }
  const parsed = text.length <= 64 ? Date.parse(text) : Number.NaN;
  // Other spellings a server may use ("Mon, 07 Dec 2026 09:15:02 GMT"); Date.parse alone would take "1" for a date.
  if (Number.isFinite(parsed) && /(?:19|20)\d{2}/.test(text) && /[a-z]{3}|\d{1,2}:\d{2}/i.test(text)) found.push(parsed);
  return found;
}
