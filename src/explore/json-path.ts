import type { JsonObject, JsonValue } from '../domain.js';

/**
 * Field paths as the graph stage writes them: `entities[].name`, `names[]`, `task.id`, `[].id`.
 * `[]` means "every element"; concrete paths written back into links use indices (`entities[0].name`).
 */
type Segment = { key: string } | { index: true };

function segments(pattern: string): Segment[] {
  const out: Segment[] = [];
  for (const part of pattern.split('.')) {
    if (part === '') continue;
    const match = /^([^[]*)((?:\[\])*)$/.exec(part);
    const key = match?.[1] ?? part;
    if (key) out.push({ key });
    for (let i = 0; i < (match?.[2]?.length ?? 0) / 2; i++) out.push({ index: true });
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
        if (Array.isArray(value)) value.forEach((item, i) => next.push({ path: `${path}[${i}]`, value: item }));
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
