import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, ListToolsRequestSchema, McpError, type JSONRPCRequest, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { JsonObject, ToolDefinition } from '../domain.js';
import { generationFailedResult } from './no-data.js';
import type { Simulator, SimulatorAnswer } from './simulator.js';
import { answerMeta, toWireResult } from './wire.js';
import { agentAnswer, fromAgentPaths, toAgentPaths } from '../explore/sandbox-paths.js';

/** Names the simulator in serverInfo.version, so a client can tell it from the real server. */
export const SIMULATOR_VERSION = 'firefly-simulator';

/**
 * One MCP server session over a simulator: one episode, since a session is one agent's run
 * against a fresh server. It lists the recorded tools as the real server listed them and answers
 * every tools/call from the simulator, with the provenance in the result's `_meta`.
 */
/** What one MCP server answers from: the tools it lists, and the episode its calls go to. */
export interface EpisodeBinding {
  tools: ToolDefinition[];
  /** Whether `name` is one of `tools`: any other name is an unknown-tool protocol error. */
  knows(name: string): boolean;
  call(name: string, args: JsonObject): Promise<SimulatorAnswer>;
}

/** A fresh episode of the whole recorded server: what a session of `firefly simulate` is. */
export function freshEpisode(simulator: Simulator): EpisodeBinding {
  const episode = simulator.startEpisode();
  // The agent writes the sandbox as /workspace, the recording as ${sandbox}.
  return {
    tools: simulator.tools().map(toAgentPaths),
    knows: (name) => simulator.cache.tool(name) !== undefined,
    call: async (name, args) => agentAnswer(await episode.call(name, fromAgentPaths(args))),
  };
}

export function createSimulatorServer(simulator: Simulator, options: { onError?: (error: Error) => void; episode?: EpisodeBinding } = {}): Server {
  const server = new Server(
    { name: simulator.cache.server || 'simulator', version: SIMULATOR_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        `Replays recorded calls of the MCP server "${simulator.cache.server}". Each result's _meta says how it was answered: ` +
        `firefly/provenance is exact, retrieved${simulator.generates ? ', generated (by a model, from the nearest recordings)' : ''} or none.`,
    },
  );
  const episode = options.episode ?? freshEpisode(simulator);
  const tools = episode.tools.map(toMcpTool);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  // tools/call goes through the fallback handler, which sees the raw request: with
  // setRequestHandler the SDK's schema check runs first and reports malformed params as an
  // internal error (-32603), where a client deserves invalid params (-32602) naming the field.
  server.fallbackRequestHandler = async (request: JSONRPCRequest) => {
    if (request.method !== 'tools/call') throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
    const { name, args } = callParams(request.params);
    const answer = await episode.call(name, args).catch((error: unknown) => notGenerated(name, error, options.onError));
    if (!episode.knows(name)) {
      // A tool the recording does not know is a protocol error, as the SDK's own servers answer it.
      const text = (answer.result as { content: Array<{ text: string }> }).content[0]?.text ?? `Unknown tool "${name}"`;
      throw new McpError(ErrorCode.InvalidParams, text, answerMeta(answer));
    }
    if (answer.invalidArguments !== undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for tool ${name}: ${answer.invalidArguments}`, answerMeta(answer));
    }
    return toWireResult(answer);
  };
  server.onerror = (error) => options.onError?.(error);
  return server;
}

/**
 * A call whose answer the model was asked for but could not give (the provider failed: a rate
 * limit, an outage, a timeout) is answered `none`, saying so, and the session goes on: the agent
 * may call again, and nothing was memoised. Only generation waits on anything that can fail.
 */
function notGenerated(tool: string, error: unknown, onError: ((error: Error) => void) | undefined): SimulatorAnswer {
  const message = error instanceof Error ? error.message : String(error);
  onError?.(new Error(`generating an answer for ${tool} failed: ${message}`, { cause: error }));
  return {
    provenance: 'none',
    result: generationFailedResult(tool, message),
    isError: true,
    similarity: 0,
  };
}

function callParams(params: JSONRPCRequest['params']): { name: string; args: JsonObject } {
  const { name, arguments: args } = (params ?? {}) as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string' || name === '') {
    throw new McpError(ErrorCode.InvalidParams, 'tools/call params.name is missing: give the name of a listed tool');
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new McpError(ErrorCode.InvalidParams, `tools/call params.arguments is ${Array.isArray(args) ? 'an array' : args === null ? 'null' : `a ${typeof args}`}: give an object of named arguments, e.g. {}`);
  }
  const depth = nestingDepth(args, MAX_ARGUMENT_DEPTH);
  if (depth > MAX_ARGUMENT_DEPTH) {
    throw new McpError(ErrorCode.InvalidParams, `tools/call params.arguments nest deeper than ${MAX_ARGUMENT_DEPTH} levels: no recorded call does; send flatter arguments`);
  }
  return { name, args: (args ?? {}) as JsonObject };
}

/** Deeper arguments are refused: no tool takes them, and the simulator's recursive steps would run out of stack. */
export const MAX_ARGUMENT_DEPTH = 100;

/** How deep arrays and objects nest in a value, counted without recursion and only up to just past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, level]);
    }
  }
  return deepest;
}

function toMcpTool(tool: ToolDefinition): Tool {
  // Clients reject a tool list whose input schema is not an object schema; recorded ones always are.
  const inputSchema = { type: 'object', ...tool.inputSchema } as Tool['inputSchema'];
  return {
    name: tool.name,
    description: tool.description,
    inputSchema,
    ...(tool.outputSchema ? { outputSchema: { type: 'object', ...tool.outputSchema } as Tool['outputSchema'] } : {}),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

