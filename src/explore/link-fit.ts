import type { JsonSchema, JsonValue } from '../domain.js';
import { singular, splitWords } from '../graph/words.js';
import { isProse } from '../prose.js';

/** Parameters that take free text: the only ones a multi-line text or a whole sentence may feed. */
const FREE_TEXT = /(^|_|\b)(content|text|body|description|message|note|notes|markdown|data|code|comment|summary|prompt|thought|observations?|input)s?$/i;
/** A reply that reports an action ("Successfully wrote 30 bytes to …"), not a value to pass on. */
const STATUS = /^(successfully|created|deleted|updated|moved|wrote|saved|done|ok)\b/i;

/**
 * Whether an earlier output's value makes sense as the value of a parameter: a multi-line text or
 * a sentence only into a free-text parameter (never a path, an id or a name), a status reply
 * never, and a number into a number parameter only when the output's name and the parameter's
 * share a word (a JWT's `iat` is no temperature). Schema types are checked by the caller.
 */
export function linkFits(value: JsonValue, outputPath: string, parameter: string, schema: JsonSchema): boolean {
  if (typeof value === 'string') {
    const text = value.trim();
    if (STATUS.test(text)) return false;
    return !(isProse(text) || text.length > 200) || FREE_TEXT.test(parameter);
  }
  if (typeof value === 'number' && (schema.type === 'number' || schema.type === 'integer')) return sharesWord(outputPath, parameter);
  return true;
}

function sharesWord(outputPath: string, parameter: string): boolean {
  const named = (path: string) => new Set(splitWords(lastName(path)).filter((w) => w.length >= 2).map(singular));
  const from = named(outputPath);
  return [...named(parameter)].some((w) => from.has(w));
}

function lastName(path: string): string {
  return /([A-Za-z_$][\w$-]*)(?:\[\d*\])*$/.exec(path.replace(/#\w+\[\d+\]$/, ''))?.[1] ?? '';
}
