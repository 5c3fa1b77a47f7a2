/** Reading provider bodies as untrusted JSON: a field of the wrong type reads as absent, never throws. */
import type { JsonObject, JsonValue } from '../domain.js';
import { isJsonObject } from '../json.js';

export function objectOf(value: unknown): JsonObject {
  return isJsonObject(value as JsonValue) ? (value as JsonObject) : {};
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A token count; absent, null or nonsense counts as 0 (cache fields are null when unused). */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
