import type { JsonObject, JsonValue } from '../domain.js';

/**
 * Field paths as the graph stage writes them: `entities[].name`, `names[]`, `task.id`, `[].id`.
 * `[]` means "every element"; concrete paths use indices (`entities[0].name`), and both can be read.
 */
type Segment = { key: string } | { index: number | 'every' };

function segments(pattern: string): Segment[] {
  const out: Segment[] = [];
  for (const match of pattern.matchAll(/([^.[\]]+)|\[(\d*)\]/g)) {
    if (match[1] !== undefined) out.push({ key: match[1] });
    else out.push({ index: match[2] === '' ? 'every' : Number(match[2]) });
  }
  return out;
}

export interface FoundValue {
  path: string;
  value: JsonValue;
}

/**
 * A path may end in `#number[k]` or `#line[k]`: the k-th number written in the text found there, or
 * its k-th non-blank line. `text#number[0]` is 19 in "The temperature in Lisbon is 19 degrees
 * Celsius.", so that an answer given in a sentence is asked for as its value, and `text#line[1]` is
 * "[FILE] todo.md" in a listing of two lines.
 */
const TEXT_PART = /#(number|line)\[(\d+)\]$/;

/** The numbers written in a text, as `#number[k]` counts them: not parts of words, ids or versions. */
export function numbersInText(text: string): number[] {
  return [...text.matchAll(/(?<![\w.\-])-?\d+(?:\.\d+)?(?![\w\-]|\.\d)/g)].map((m) => Number(m[0]));
}

/** The non-blank lines of a text, trimmed, as `#line[k]` counts them. */
export function linesOfText(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Every value at a pattern path, with its concrete path, in document order. */
export function valuesAt(root: JsonValue, pattern: string): FoundValue[] {
  const part = TEXT_PART.exec(pattern);
  if (part) {
    const [kind, k] = [part[1]!, Number(part[2])];
    return valuesAt(root, pattern.slice(0, part.index)).flatMap(({ path, value }) => {
      const found = typeof value !== 'string' ? undefined : kind === 'number' ? numbersInText(value)[k] : linesOfText(value)[k];
      return found === undefined ? [] : [{ path: `${path}#${kind}[${k}]`, value: found }];
    });
  }
  let found: FoundValue[] = [{ path: '', value: root }];
  for (const segment of segments(pattern)) {
    const next: FoundValue[] = [];
    for (const { path, value } of found) {
      if ('index' in segment) {
        if (!Array.isArray(value)) continue;
        value.forEach((item, i) => {
          if (segment.index === 'every' || segment.index === i) next.push({ path: `${path}[${i}]`, value: item });
        });
      } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, segment.key)) {
        next.push({ path: path ? `${path}.${segment.key}` : segment.key, value: value[segment.key] as JsonValue });
      }
    }
    found = next;
  }
  return found;
}

/** The last named key of a path: what a parameter or output field is called. */
export function leafName(pattern: string): string {
  const keys = segments(pattern).filter((s): s is { key: string } => 'key' in s);
  return keys[keys.length - 1]?.key ?? '';
}

/** Every primitive leaf of a value with its concrete path (for data-flow checks on recorded calls). */
export function primitiveLeaves(value: JsonValue, path = ''): FoundValue[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => primitiveLeaves(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as JsonObject).flatMap(([key, item]) => primitiveLeaves(item, path ? `${path}.${key}` : key));
  }
  return [{ path, value }];
}

/** A copy of `root` with the value at a concrete path (`names[0]`, `task.id`) replaced. */
export function withValueAt(root: JsonValue, path: string, value: JsonValue): JsonValue {
  const steps = segments(path).map((s) => ('key' in s ? s.key : s.index === 'every' ? 0 : s.index));
  const copy = structuredClone(root);
  if (steps.length === 0) return value;
  let node: JsonValue = copy;
  for (const [i, step] of steps.entries()) {
    const last = i === steps.length - 1;
    const container = node as Record<string | number, JsonValue>;
    if (last) container[step] = value;
    else node = container[step] ?? (container[step] = typeof steps[i + 1] === 'number' ? [] : {});
  }
  return copy;
}
