import type { JsonObject } from '../domain.js';
import { isJsonObject } from '../json.js';
import type { SimulatorAnswer } from '../simulator/simulator.js';
import { answerMeta } from '../simulator/wire.js';

/** An ORS content block: text, or an image as base64. */
export type Block = { type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string };

/**
 * A simulator answer as an ORS ToolOutput: the recorded content as blocks (text and images as
 * they are, anything else as its JSON), the provenance and error flag in metadata, no reward.
 * A recorded protocol error becomes one text block saying so.
 */
export function toolOutput(answer: SimulatorAnswer): JsonObject {
  const result = answer.result;
  let blocks: Block[];
  if (isJsonObject(result) && Array.isArray(result.content)) {
    blocks = result.content.map((item): Block => {
      if (isJsonObject(item) && item.type === 'text' && typeof item.text === 'string') return { type: 'text', text: item.text };
      if (isJsonObject(item) && item.type === 'image' && typeof item.data === 'string' && typeof item.mimeType === 'string') return { type: 'image', data: item.data, mimeType: item.mimeType };
      return { type: 'text', text: JSON.stringify(item) };
    });
    if (blocks.length === 0 && result.structuredContent !== undefined) blocks = [{ type: 'text', text: JSON.stringify(result.structuredContent) }];
  } else {
    const error = isJsonObject(result) && isJsonObject(result.error) ? result.error : {};
    blocks = [{ type: 'text', text: `MCP error ${String(error.code ?? -32603)}: ${typeof error.message === 'string' ? error.message : 'the recorded server answered without a result'}` }];
  }
  return { blocks, metadata: { ...answerMeta(answer), isError: answer.isError }, reward: null, finished: false };
}
