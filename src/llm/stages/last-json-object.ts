/**
 * The last top-level JSON object in a model's text. Models wrap their answer in prose or a code
 * fence, and sometimes show a draft before the final one: the last object that parses is the answer.
 */
import type { JsonObject, JsonValue } from '../../domain.js';
import { isJsonObject } from '../../json.js';

export function lastJsonObject(text: string): JsonObject | undefined {
  let last: JsonObject | undefined;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '{') {
      i++;
      continue;
    }
    const end = matchingBrace(text, i);
    const parsed = end === undefined ? undefined : tryParse(text.slice(i, end + 1));
    if (parsed !== undefined && isJsonObject(parsed)) {
      last = parsed;
      i = end! + 1;
    } else {
      i++;
    }
  }
  return last;
}

/** The index of the brace closing the one at `start`, skipping braces inside strings. */
function matchingBrace(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return undefined;
}

function tryParse(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
