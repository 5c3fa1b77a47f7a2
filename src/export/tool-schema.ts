import type { JsonSchema } from '../domain.js';

/**
 * A tool's input schema as trainers want it: an object schema that always has `properties` and
 * `required` (several chat templates and validators index them without checking). The top-level
 * `$schema` goes: it names a dialect for validators, and in a prompt it is noise that some
 * providers reject. Everything else is kept as the server declared it, in its order.
 */
export function normaliseInputSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  const properties = isPlainObject(rest.properties) ? rest.properties : {};
  const required = Array.isArray(rest.required) ? rest.required.filter((r): r is string => typeof r === 'string') : [];
  return { ...rest, type: 'object', properties, required };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
