import type { JsonObject, JsonValue } from '../domain.js';
import { isJsonObject as isObject, compact } from '../json.js';

/**
 * What later stages treat as a call's output, read from the raw CallToolResult: structuredContent
 * when the server gives it; otherwise the content blocks, text parsed as JSON where it parses.
 * Binary payloads (images, audio, blobs) are summarised by type, MIME type and URI: their base64
 * carries nothing a task could ask about and would swamp every later prompt.
 */
export function outputValue(result: JsonValue): JsonValue {
  if (!isObject(result)) return result;
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = Array.isArray(result.content) ? result.content : [];
  const first = content[0];
  if (first === undefined) return null;
  if (content.length === 1) return isText(first) ? parseText(first.text, true) : blockValue(first);
  return content.map(blockValue);
}

function blockValue(block: JsonValue): JsonValue {
  if (isText(block)) return parseText(block.text, false);
  if (!isObject(block)) return block;
  if (block.type === 'resource' && isObject(block.resource)) {
    const { uri, mimeType, text } = block.resource;
    return compact({ type: 'resource', uri, mimeType, text });
  }
  const { type, mimeType, uri, name } = block;
  return compact({ type, mimeType, uri, name });
}

/** A lone text block that is not JSON becomes `{ text }`, so an output is always addressable by path. */
function parseText(text: string, wrap: boolean): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return wrap ? { text } : text;
  }
}

function isText(block: JsonValue): block is { type: 'text'; text: string } {
  return isObject(block) && block.type === 'text' && typeof block.text === 'string';
}


