import type { JsonPrimitive, JsonValue, VolatilePath } from '../domain.js';
import { SANDBOX_PLACEHOLDER } from '../explore/sandbox-paths.js';
import { isProse } from '../prose.js';
import { isVolatile, patternOf } from '../explore/volatile.js';
import { linesOfText, numbersInText, primitiveLeaves } from '../explore/json-path.js';
import { containsMarker } from '../secrets/marker.js';
import { appearsIn } from '../verify/appears-in.js';
import { isCleanText } from '../verify/clean-text.js';
import { describeOutputPath } from './describe-path.js';
import { answerFieldName } from './field-name.js';

export interface AnswerField {
  field: string;
  value: JsonPrimitive;
  /** Path into the output of the trajectory step it was observed in. */
  path: string;
  trajectoryStep: number;
  /** How the instruction asks for it, e.g. "the entity type of the first entity returned in step 2". */
  description: string;
}

/** Output keys that report how a call went rather than what it found: a guessable answer. */
const STATUS_KEYS = new Set(['status', 'success', 'ok', 'error', 'message', 'isError']);
/** The MCP content block kinds: `type: "resource"` is the protocol's framing, not an observation. */
const CONTENT_TYPES = new Set(['text', 'image', 'audio', 'resource', 'resource_link']);
/** Long enough for a file's content or an observation, short enough to compare as one answer. */
const MAX_TEXT = 400;
/** A listing read line by line: longer texts, or longer lines, are documents. */
const MAX_LISTING_LINES = 20;
const MAX_LINE = 80;
/** Clock times change between the recording and any replay on a live server: never an answer. */
const TIME_LIKE = /\d{1,2}:\d{2}:\d{2}|GMT|\b(19|20)\d{2}-\d{2}-\d{2}T/;

/**
 * Answer candidates in one step's output: primitive leaves a user could not know in advance —
 * strings and numbers (booleans are a coin toss), not status reports, not overlong prose, not
 * clock times, not garbled text, not redacted secrets, not paths inside the sandbox (the agent sees the real directory,
 * the label would hold `${sandbox}`), not volatile paths, and nothing the instruction already shows. Earlier array elements come first.
 */
export function answerCandidates(output: JsonValue, trajectoryStep: number, instruction: string, volatile?: readonly VolatilePath[]): AnswerField[] {
  return primitiveLeaves(output)
    .flatMap((leaf): Array<{ path: string; value: JsonPrimitive }> => {
      const { path, value } = leaf;
      if (isVolatile(path, volatile)) return [];
      const key = lastKey(path);
      if (STATUS_KEYS.has(key) || (key === 'type' && CONTENT_TYPES.has(String(value)))) return [];
      if (typeof value === 'number') return Number.isFinite(value) && !appearsIn(value, instruction) ? [{ path, value }] : [];
      if (typeof value !== 'string') return [];
      const text = value.trim();
      const fits =
        text.length >= 2 &&
        text.length <= MAX_TEXT &&
        /[a-z0-9]/i.test(text) &&
        !TIME_LIKE.test(text) &&
        isCleanText(text) &&
        !containsMarker(text) &&
        !text.includes(SANDBOX_PLACEHOLDER) &&
        !appearsIn(text, instruction);
      if (!fits) return [];
      if (!isProse(text)) return [{ path, value }];
      if (isListing(text)) return listingLines(path, text, instruction).filter((line) => !isVolatile(line.path, volatile));
      // A sentence with a line that changes between calls has no number to trust.
      return volatile?.some((v) => v.path.startsWith(`${patternOf(path)}#line[`)) ? [] : valueInProse(path, text, instruction);
    })
    .sort((a, b) => depthOfIndices(a.path) - depthOfIndices(b.path))
    .map(({ path, value }) => ({
      field: answerFieldName(lastKey(path)),
      value,
      path,
      trajectoryStep,
      description: describeOutputPath(path, trajectoryStep),
    }));
}

/** A few short lines, one item each (a directory listing, a list of names): each line is a value. */
function isListing(text: string): boolean {
  // JSON written as text (a pretty-printed tree) is a document: its lines are fragments, not items.
  if (parsesAsJson(text)) return false;
  const lines = linesOfText(text);
  return lines.length >= 2 && lines.length <= MAX_LISTING_LINES && lines.every((line) => line.length <= MAX_LINE && line.split(/\s+/).length <= 8);
}

function listingLines(path: string, text: string, instruction: string): Array<{ path: string; value: string }> {
  return linesOfText(text).flatMap((line, k) => (line.length >= 2 && !appearsIn(line, instruction) && !TIME_LIKE.test(line) ? [{ path: `${path}#line[${k}]`, value: line }] : []));
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one value a sentence states, as `<path>#number[k]`: its only number that the instruction does
 * not already give. A sentence with no such number, or with several, has no obvious value: nothing.
 */
function valueInProse(path: string, text: string, instruction: string): Array<{ path: string; value: number }> {
  const numbers = numbersInText(text);
  const found = numbers.flatMap((value, k) => (appearsIn(value, instruction) ? [] : [{ path: `${path}#number[${k}]`, value }]));
  return found.length === 1 ? found : [];
}

/** Gives each field a unique name: a second `name` becomes `name2`. */
export function uniqueFieldNames(fields: AnswerField[]): AnswerField[] {
  const used = new Map<string, number>();
  return fields.map((f) => {
    const count = (used.get(f.field) ?? 0) + 1;
    used.set(f.field, count);
    return count === 1 ? f : { ...f, field: `${f.field}${count}` };
  });
}

function lastKey(path: string): string {
  if (/#number\[\d+\]$/.test(path)) return 'number';
  if (/#line\[\d+\]$/.test(path)) return 'line';
  const match = /([A-Za-z_$][\w$-]*)(?:\[\d+\])*$/.exec(path);
  return match?.[1] ?? '';
}

/** Sum of array indices along a path: `entities[0].name` (0) before `entities[1].name` (1). */
function depthOfIndices(path: string): number {
  return [...path.matchAll(/\[(\d+)\]/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

