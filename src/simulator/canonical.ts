import type { JsonValue } from '../domain.js';

/**
 * The canonical JSON text of a call's arguments: the simulator's exact-match key, and the text
 * stored in the cache file's `arguments_canonical` column.
 *
 * - object keys sorted (by UTF-16 code units, as JavaScript sorts), at every depth;
 * - no whitespace between tokens;
 * - numbers as JSON.stringify writes them (shortest round-trip form, so 1.0 and 1e0 are `1`), -0 as `0`;
 * - strings kept exactly as given, values and keys: only what a live server provably treats as equal
 *   (key order, number forms) is equated, and a server may well find nothing for " Ada" where it
 *   finds "Ada";
 * - types kept: the string "1" and the number 1 stay different.
 *
 * A value that JSON cannot hold (NaN, Infinity, undefined inside an array, a function…) is refused
 * with the path of the offending value, since no recorded call can ever have contained it.
 */
export function canonicalArguments(args: JsonValue): string {
  return write(args, '$');
}

function write(value: JsonValue, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalArguments: ${path} is ${value}, which JSON cannot hold: pass a finite number or null`);
      // JSON.stringify(-0) is "0" already; written out so the rule is visible here.
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      return `{${Object.keys(value)
        .filter((key) => value[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${write(value[key] as JsonValue, `${path}.${key}`)}`)
        .join(',')}}`;
    default:
      throw new TypeError(`canonicalArguments: ${path} is a ${typeof value}, which JSON cannot hold: pass only JSON values`);
  }
}
