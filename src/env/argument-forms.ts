import type { JsonObject, JsonSchema } from '../domain.js';

/**
 * The forms a call's arguments may have been meant in, when a function-calling adapter filled in
 * the optional top-level parameters the model left out: as given, without optional nulls, and
 * also without optional values equal to their schema default.
 */
export function argumentForms(schema: JsonSchema | undefined, args: JsonObject): { given: JsonObject; withoutNulls: JsonObject; withoutDefaults: JsonObject } {
  const properties = (schema?.properties ?? {}) as Record<string, { default?: unknown } | undefined>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const isNull = (key: string) => args[key] === null;
  const isDefault = (key: string) => {
    const property = properties[key];
    return isNull(key) || (property !== undefined && 'default' in property && JSON.stringify(property.default) === JSON.stringify(args[key]));
  };
  const without = (drop: (key: string) => boolean) => Object.fromEntries(Object.entries(args).filter(([key]) => required.has(key) || !drop(key))) as JsonObject;
  return { given: args, withoutNulls: without(isNull), withoutDefaults: without(isDefault) };
}
