import type { DiscoveredTool, ToolDefinition } from '../domain.js';
import { parseServerSpec } from '../mcp/spec.js';
import type { Store } from '../store/store.js';
import type { SimulatorCacheInput } from './cache.js';

/**
 * What the simulator needs from a run's record: the usable tools (the ones an agent may call),
 * the spec's setup calls, and every recorded call. The dataset exporter writes it with
 * writeSimulatorCache.
 */
export async function simulatorInputFromStore(store: Store, runId: string): Promise<SimulatorCacheInput> {
  const run = await store.getRun(runId);
  if (!run) throw new RangeError(`simulatorInputFromStore: run "${runId}" is not in the store at ${store.location}: give the workflow ID of a recorded run`);
  const tools = (await store.listTools(runId)).filter((t) => t.usable).map(toolDefinition);
  return {
    server: run.serverName,
    tools,
    setup: parseServerSpec(run.spec).setup,
    calls: await store.listCalls(runId),
  };
}

function toolDefinition(tool: DiscoveredTool): ToolDefinition {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}
