import type { JsonPrimitive, JsonValue } from '../domain.js';
import { primitiveLeaves } from '../explore/json-path.js';

const key = (value: JsonPrimitive) => (typeof value === 'string' ? `s:${value.trim().toLowerCase()}` : `v:${JSON.stringify(value)}`);

/**
 * Whether a value read from a call's output is one of that call's own arguments handed back
 * (`create_relations` returns the relations it was given; a search returns the name it was asked
 * for): the caller knew it before the call, so the call is not what the answer depends on.
 */
export function echoesArguments(value: JsonPrimitive, args: JsonValue): boolean {
  const wanted = key(value);
  return primitiveLeaves(args).some((leaf) => key(leaf.value as JsonPrimitive) === wanted);
}
