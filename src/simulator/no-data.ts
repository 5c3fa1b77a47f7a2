import type { JsonObject } from '../domain.js';

/**
 * The MCP results of a `none` answer: tool errors (isError true) that say why there is no data and
 * what would get some, so an agent, or the person reading its trajectory, can tell "no data" apart
 * from a real error of the server.
 */

/** How many known tool names an unknown-tool error lists before it stops. */
const LISTED_TOOLS = 20;

/** `notGenerated`: why a model asked to generate the answer gave none usable. */
export function noDataResult(tool: string, nearest: number | undefined, threshold: number, notGenerated?: string): JsonObject {
  const text =
    nearest === undefined
      ? `No recorded data for ${tool}: the recording holds no call of this tool, so the simulator has nothing to answer from.`
      : `No recorded data for ${tool} with these arguments (nearest similarity ${nearest.toFixed(2)}; ` +
        `recordings answer from similarity ${threshold.toFixed(2)}). ` +
        (notGenerated === undefined ? '' : `No answer could be generated either: ${notGenerated}. `) +
        'Call it with arguments closer to a recorded call.';
  return errorResult(text);
}

/** The provider failed while generating an answer (not the model's output: that is noDataResult's `notGenerated`). */
export function generationFailedResult(tool: string, failure: string): JsonObject {
  return errorResult(
    `No recorded data for ${tool} with these arguments, and the model asked to generate an answer failed (${failure}). ` +
      'Nothing was stored: calling again may succeed.',
  );
}

export function unknownToolResult(tool: string, known: readonly string[]): JsonObject {
  const listed = known.slice(0, LISTED_TOOLS).join(', ');
  const more = known.length > LISTED_TOOLS ? `, … (${known.length} tools)` : '';
  return errorResult(`Unknown tool "${tool}": this simulator serves ${known.length === 0 ? 'no tools' : `${listed}${more}`}. Call a tool by one of these names.`);
}

function errorResult(text: string): JsonObject {
  return { content: [{ type: 'text', text }], isError: true };
}
