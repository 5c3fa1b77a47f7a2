import type { CallPhase, JsonObject, JsonValue, RecordedCall, ToolDefinition } from '../../../src/domain.js';
import type { SimulatorCacheInput } from '../../../src/simulator/cache.js';

/** A memory-like server: two writers, three readers, one writer never recorded. */
export const tools: ToolDefinition[] = [
  {
    name: 'create_entities',
    description: 'Create entities',
    inputSchema: { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] },
    annotations: { readOnlyHint: false },
  },
  { name: 'read_graph', description: 'Read the graph', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  {
    name: 'open_nodes',
    description: 'Open nodes by name',
    inputSchema: { type: 'object', properties: { names: { type: 'array', items: { type: 'string' } } } },
    outputSchema: { type: 'object', properties: { entities: { type: 'array' } } },
    annotations: { readOnlyHint: true },
  },
  { name: 'search_nodes', description: 'Search', inputSchema: { type: 'object', properties: { query: { type: 'string' } } }, annotations: { readOnlyHint: true } },
  // Not annotated: counts as state-changing, and never recorded.
  { name: 'delete_entities', description: 'Delete entities', inputSchema: { type: 'object', properties: { entityNames: { type: 'array' } } } },
];

export const entity = (name: string): JsonObject => ({ name, entityType: 'person', observations: [`${name} was here`] });
export const text = (value: JsonValue): JsonObject => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });
export const graph = (...names: string[]): JsonObject => text({ entities: names.map(entity), relations: [] });

export const SETUP = { tool: 'create_entities', arguments: { entities: [entity('Ada')] } };

export function recorded(subDagIndex: number, step: number, tool: string, args: JsonObject, result: JsonValue, options: { isError?: boolean; phase?: CallPhase; runId?: string } = {}): RecordedCall {
  return {
    runId: options.runId ?? 'run-1',
    subDagIndex,
    step,
    phase: options.phase ?? 'explore',
    tool,
    arguments: args,
    result,
    isError: options.isError ?? false,
    latencyMs: 1,
    links: [],
    planner: 'offline',
  };
}

/**
 * Probe episode (-1): setup, read_graph (Ada), create Bob, read_graph (Ada, Bob), open_nodes Ada.
 * Sub-DAG 0: setup, search_nodes, a failing create, read_graph (Ada: the failure changed nothing).
 */
export function handMadeInput(): SimulatorCacheInput {
  const setup = (subDag: number) => recorded(subDag, 0, SETUP.tool, SETUP.arguments, text({ created: ['Ada'] }), { phase: 'setup' });
  return {
    server: 'memory',
    tools,
    setup: [SETUP],
    calls: [
      // Out of order on purpose: the cache must sort each episode by step.
      recorded(0, 3, 'read_graph', {}, graph('Ada')),
      setup(-1),
      recorded(-1, 1, 'read_graph', {}, graph('Ada')),
      recorded(-1, 2, 'create_entities', { entities: [entity('Bob')] }, text({ created: ['Bob'] })),
      recorded(-1, 3, 'read_graph', {}, graph('Ada', 'Bob')),
      recorded(-1, 4, 'open_nodes', { names: ['Ada'] }, { content: [{ type: 'text', text: '{"entities":[]}' }], structuredContent: { entities: [entity('Ada')] } }),
      setup(0),
      recorded(0, 1, 'search_nodes', { query: 'Ada Lovelace' }, text({ entities: [entity('Ada')] })),
      recorded(0, 2, 'create_entities', { entities: [{ name: 'Bad' }] }, { content: [{ type: 'text', text: 'MCP error -32602: invalid' }], isError: true }, { isError: true }),
    ],
  };
}
