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

/** Every value at a pattern path, with its concrete path, in document order. */
export function valuesAt(root: JsonValue, pattern: string): FoundValue[] {
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
