import type { FieldDescriptor, JsonPrimitive, JsonValue } from '../domain.js';

/**
 * What an observed example looks like. The judge uses this to confirm or refute a mapping that
 * names suggest: an id parameter fed from a sentence, or a path parameter fed from a title, is wrong
 * whatever the names say.
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
/** Absolute, home or relative paths, `dir/file` forms, and bare file names with an extension. */
const PATH_LIKE = /^(?:(?:\/|~\/|\.{1,2}\/|[A-Za-z]:\\)\S*|[\w.-]+(?:\/[\w.-]+)+|[\w-][\w.-]*\.[A-Za-z0-9]{1,8})$/;

/** A token such as `task-1`, `42`, a UUID or a hash: no spaces, and a digit somewhere. */
export function looksLikeId(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && (UUID.test(value) || (ID.test(value) && /\d/.test(value)));
}

/** Running text: a sentence or a multi-line message, never an identifier. */
export function looksLikeProse(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('\n') || (/\s/.test(value) && value.length > 40));
}

export function looksLikeUrl(value: unknown): boolean {
  return typeof value === 'string' && URL_LIKE.test(value);
}

/** `application/json`, `text/plain; charset=utf-8`: media types have a slash but name no file. */
const MEDIA_TYPE = /^(application|audio|font|image|message|model|multipart|text|video)\/[\w.+-]+(\s*;.*)?$/i;

export function looksLikePath(value: unknown): boolean {
  return typeof value === 'string' && !looksLikeUrl(value) && !MEDIA_TYPE.test(value.trim()) && PATH_LIKE.test(value.trim());
}

/** A text output that lists paths, one per line (`[FILE] /tmp/a.txt`, or bare paths). */
export function listsPaths(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return value.split('\n').some((line) => line.trim().split(/\s+/).some((token) => token.includes('/') && looksLikePath(token)));
}

/** A text output that mentions at least one URL. */
export function listsUrls(value: unknown): boolean {
  return typeof value === 'string' && value.split(/\s+/).some(looksLikeUrl);
}

/**
 * Whether an enum parameter can take the output's values: true or false when the output's values
 * are known (its own enum or its example), undefined when they are not, or the parameter has no enum.
 */
export function enumAccepts(parameter: FieldDescriptor, output: FieldDescriptor): boolean | undefined {
  if (!parameter.enum) return undefined;
  const known = output.enum ?? (isPrimitive(output.example) ? [output.example] : []);
  if (known.length === 0) return undefined;
  return known.some((value) => parameter.enum?.includes(value));
}

function isPrimitive(value: JsonValue | undefined): value is JsonPrimitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
