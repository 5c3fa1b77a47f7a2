import type { JsonPrimitive } from '../domain.js';

/**
 * Whether a value can be read off a text: strings as case-insensitive substrings, numbers as
 * whole tokens (so that 12 is not "found" in 2012). Synthesis and the leakage check share it, so
 * a task is never written with an answer the check would then call leaked.
 */
export function appearsIn(value: JsonPrimitive, text: string): boolean {
  if (typeof value === 'string') {
    const wanted = value.trim().toLowerCase();
    if (wanted === '') return false;
    const haystack = text.toLowerCase();
    // Instructions write values as JSON, so a line break or a quote shows there escaped (`\n`, `\"`).
    return haystack.includes(wanted) || haystack.includes(JSON.stringify(wanted).slice(1, -1));
  }
  if (typeof value === 'number') return new RegExp(`(^|[^\\d.])${escape(String(value))}($|[^\\d])`).test(text);
  return false;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
