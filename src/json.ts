import type { JsonObject, JsonValue } from './domain.js';

/** A JSON object: not null, not an array. */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields that have a value: `{a: 1, b: undefined}` → `{a: 1}`. */
export function compact(fields: { [key: string]: JsonValue | undefined }): JsonObject {
  const object: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) object[key] = value;
  return object;
}
