import type { JsonObject } from '../domain.js';

/**
 * The MCP results of a `none` answer: tool errors (isError true) that say why there is no data and
 * what would get some, so an agent, or the person reading its trajectory, can tell "no data" apart
 * from a real error of the server.
 */

/** How many known tool names an unknown-tool error lists before it stops. */
const LISTED_TOOLS = 20;

/**
 * `threshold`: the similarity from which near recordings answer (lenient), or undefined when only
 * the same call in the same state does (strict). `stateDistance`: how many state-changing calls
 * the nearest recording's state is from the episode's. `notGenerated`: why a model asked to
 * generate the answer gave none usable.
 */
export function noDataResult(tool: string, nearest: number | undefined, threshold: number | undefined, detail: { stateDistance?: number; notGenerated?: string } = {}): JsonObject {
  const { stateDistance, notGenerated } = detail;
  const where = stateDistance === undefined || stateDistance === 0 ? '' : `, recorded ${stateDistance} state-changing call(s) away from this episode's state`;
  const rule = threshold === undefined ? 'only the same call in the same state answers' : `recordings answer from similarity ${threshold.toFixed(2)}`;
  const text =
    nearest === undefined
      ? `No recorded data for ${tool}: the recording holds no call of this tool, so the simulator has nothing to answer from.`
      : `No recorded data for ${tool} with these arguments in this state (nearest similarity ${nearest.toFixed(2)}${where}; ${rule}). ` +
        (notGenerated === undefined ? '' : `No answer could be generated either: ${notGenerated}. `) +
        'The live server may answer differently: nothing recorded says how.';
  return errorResult(text);
}

/** Arguments the tool's input schema refuses: the live server would refuse them too. */
export function invalidArgumentsResult(tool: string, problem: string): JsonObject {
  return errorResult(`Invalid arguments for tool ${tool}: ${problem}. Fix them to fit the tool's input schema.`);
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
