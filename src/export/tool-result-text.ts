import type { JsonObject, JsonValue } from '../domain.js';
import { isJsonObject as isObject, compact } from '../json.js';

/**
 * A recorded tool result as the string a chat format's tool message carries. Structured output
 * wins (serialised as JSON), as in mcp/output.ts, so every ground-truth path is readable in what
 * the model sees; otherwise the text blocks, joined; binary blocks are summarised without their
 * base64, which teaches nothing and swamps the context. A result that is no CallToolResult (a
 * thrown error recorded as `{ error }`) is serialised whole.
 */
export function toolResultText(result: JsonValue): string {
  if (!isObject(result)) return typeof result === 'string' ? result : JSON.stringify(result);
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  if (!Array.isArray(result.content)) return JSON.stringify(result);
  return result.content.map(blockText).join('\n');
}

function blockText(block: JsonValue): string {
  if (!isObject(block)) return JSON.stringify(block);
  if (block.type === 'text' && typeof block.text === 'string') return block.text;
  if (block.type === 'resource' && isObject(block.resource)) {
    const { uri, mimeType, text } = block.resource;
    return JSON.stringify(compact({ type: 'resource', uri, mimeType, text }));
  }
  const { type, mimeType, uri, name } = block;
  return JSON.stringify(compact({ type, mimeType, uri, name }));
}


