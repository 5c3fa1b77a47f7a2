/**
 * What the model reads of a tool's result: the text of its text blocks (what an MCP client shows),
 * otherwise the output as JSON; cut to a budget so one large output cannot fill the context.
 */
import type { JsonValue } from '../../domain.js';
import { isJsonObject } from '../../json.js';
import { outputValue } from '../../mcp/output.js';

export function toolResultText(result: JsonValue, maxChars: number): string {
  const content = isJsonObject(result) && Array.isArray(result.content) ? result.content : undefined;
  const allText = content !== undefined && content.length > 0 && content.every((b) => isJsonObject(b) && b.type === 'text' && typeof b.text === 'string');
  const text = allText ? content.map((b) => (b as { text: string }).text).join('\n') : JSON.stringify(outputValue(result)) ?? 'null';
  return truncate(text, maxChars);
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… [truncated, ${text.length - maxChars} more characters]`;
}

/** Servers report a failed call with `isError: true` on the CallToolResult. */
export function isErrorResult(result: JsonValue): boolean {
  return isJsonObject(result) && result.isError === true;
}
