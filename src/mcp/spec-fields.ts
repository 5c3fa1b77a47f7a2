import type { JsonValue } from '../domain.js';
import { SpecError } from './errors.js';

/**
 * Readers for one field of an untrusted JSON document. Each returns the value with its type
 * narrowed or throws a SpecError that names the field, what was found and what to write instead.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a number", "an array", "null": how a wrong value is described to the person who wrote it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type} (${JSON.stringify(value)})`;
}

export function expectObject(value: unknown, field: string, fix: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new SpecError(field, `${field} must be a JSON object, not ${describeValue(value)}: ${fix}`);
  return value;
}

export function rejectUnknownKeys(object: Record<string, unknown>, valid: readonly string[], field: string): void {
  for (const key of Object.keys(object)) {
    if (!valid.includes(key)) {
      throw new SpecError(`${field}.${key}`, `${field}.${key} is not a known key: the valid keys are ${valid.join(', ')}`);
    }
  }
}

export function expectString(value: unknown, field: string, fix: string): string {
  if (value === undefined) throw new SpecError(field, `${field} is missing: ${fix}`);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SpecError(field, `${field} must be a non-empty string, not ${describeValue(value)}: ${fix}`);
  }
  return value;
}

export function expectStringArray(value: unknown, field: string, fix: string): string[] {
  if (!Array.isArray(value)) throw new SpecError(field, `${field} must be an array of strings, not ${describeValue(value)}: ${fix}`);
  return value.map((item, i) => {
    if (typeof item !== 'string') {
      throw new SpecError(`${field}[${i}]`, `${field}[${i}] must be a string, not ${describeValue(item)}: ${fix}`);
    }
    return item;
  });
}

export function expectStringRecord(value: unknown, field: string, fix: string): Record<string, string> {
  const object = expectObject(value, field, fix);
  const record: Record<string, string> = {};
  for (const [key, item] of Object.entries(object)) {
    if (typeof item !== 'string') {
      throw new SpecError(`${field}.${key}`, `${field}.${key} must be a string, not ${describeValue(item)}: ${fix}`);
    }
    record[key] = item;
  }
  return record;
}

export function expectPositiveInteger(value: unknown, field: string, fix: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SpecError(field, `${field} must be a positive whole number, not ${describeValue(value)}: ${fix}`);
  }
  return value;
}

/** Checks that `value` is plain JSON (no undefined, functions or non-finite numbers) and returns it typed. */
export function expectJson(value: unknown, field: string): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((item, i) => expectJson(item, `${field}[${i}]`));
  if (isPlainObject(value)) {
    const object: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) object[key] = expectJson(item, `${field}.${key}`);
    return object;
  }
  throw new SpecError(field, `${field} must be a JSON value, not ${describeValue(value)}: use strings, numbers, booleans, null, arrays or objects`);
}

/** Calls `visit` with every string inside a JSON value and the path that leads to it. */
export function forEachString(value: JsonValue, field: string, visit: (text: string, field: string) => void): void {
  if (typeof value === 'string') visit(value, field);
  else if (Array.isArray(value)) value.forEach((item, i) => forEachString(item, `${field}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) forEachString(item, `${field}.${key}`, visit);
  }
}
