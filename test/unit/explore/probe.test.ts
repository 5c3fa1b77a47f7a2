import { describe, expect, it } from 'vitest';
import type { CallPhase, DiscoveredTool, JsonObject, JsonValue, RecordedCall, ToolDefinition } from '../../../src/domain.js';
import { PROBE_INDEX, probeSubDag, profileTools } from '../../../src/explore/probe.js';
import { inputFields } from '../../../src/graph/schema-fields.js';
import { memoryTools } from '../graph/fixtures/memory-server.js';

const usable = (tool: ToolDefinition): DiscoveredTool => ({ ...tool, usable: true });

function tool(name: string, required: string[], destructive?: boolean): DiscoveredTool {
  const properties = Object.fromEntries(required.map((p) => [p, { type: 'string' }]));
  return {
    name,
    description: `Synthetic ${name}`,
    inputSchema: { type: 'object', properties, required },
    usable: true,
    ...(destructive === undefined ? {} : { annotations: { destructiveHint: destructive } }),
  };
}

function probeCall(step: number, toolName: string, output: JsonValue, options: { isError?: boolean; phase?: CallPhase } = {}): RecordedCall {
  const result: JsonObject = { content: [{ type: 'text', text: JSON.stringify(output) }] };
  return {
    runId: 'run-probe',
    subDagIndex: PROBE_INDEX,
    step,
    phase: options.phase ?? 'explore',
    tool: toolName,
    arguments: {},
    result,
    isError: options.isError ?? false,
    latencyMs: 1,
    links: [],
    planner: 'offline',
  };
}

describe('probeSubDag', () => {
  it('orders the memory server’s tools: non-destructive first, then fewer required inputs, then by name', () => {
    const subDag = probeSubDag(memoryTools.map(usable));
    expect(subDag.tools).toEqual([
      'read_graph',
      'add_observations',
      'create_entities',
      'create_relations',
      'open_nodes',
      'search_nodes',
      'delete_entities',
      'delete_observations',
      'delete_relations',
    ]);
    expect(subDag).toMatchObject({ index: PROBE_INDEX, key: 'probe', edges: [], shape: 'chain' });
  });

  it('puts a destructive tool last even when it needs no input, and skips unusable tools', () => {
    const tools = [
      tool('wipe', [], true),
      tool('needs-two', ['a', 'b']),
      tool('needs-one', ['a'], false),
      tool('needs-none', []),
      { ...tool('broken', []), usable: false, skipReason: 'its input schema is not an object' },
    ];
    expect(probeSubDag(tools).tools).toEqual(['needs-none', 'needs-one', 'needs-two', 'wipe']);
  });

  it('is a single when one tool is usable', () => {
    expect(probeSubDag([tool('only', [])])).toMatchObject({ tools: ['only'], shape: 'single' });
  });
});

describe('profileTools', () => {
  const openNodes = usable(memoryTools.find((t) => t.name === 'open_nodes')!);
  const undeclared = tool('get_task', ['taskId']);

  it('keeps each declared output field and adds the example the probe observed', () => {
    const observed = { entities: [{ name: 'Ada Lovelace', entityType: 'person', observations: ['Born in London in 1815'] }], relations: [] };
    const [profile] = profileTools([openNodes], [probeCall(0, 'open_nodes', observed)]);
    expect(profile!.inputs).toEqual(inputFields(openNodes.inputSchema));
    expect(profile!.annotations).toEqual(openNodes.annotations);
    expect(profile!.outputs).toEqual([
      { path: 'entities[].name', type: 'string', description: 'The name of the entity', example: 'Ada Lovelace' },
      { path: 'entities[].entityType', type: 'string', description: 'The type of the entity', example: 'person' },
      {
        path: 'entities[].observations[]',
        type: 'string',
        description: 'An array of observation contents associated with the entity',
        example: 'Born in London in 1815',
      },
      { path: 'relations[].from', type: 'string', description: 'The name of the entity where the relation starts' },
      { path: 'relations[].to', type: 'string', description: 'The name of the entity where the relation ends' },
      { path: 'relations[].relationType', type: 'string', description: 'The type of the relation' },
    ]);
  });

  it('learns the outputs of a tool that declares none from its probe call', () => {
    const [profile] = profileTools([undeclared], [probeCall(0, 'get_task', { task: { id: 'task-1', done: false }, total: 12 })]);
    expect(profile!.outputs).toEqual([
      { path: 'task.id', type: 'string', example: 'task-1' },
      { path: 'task.done', type: 'boolean', example: false },
      { path: 'total', type: 'integer', example: 12 },
    ]);
  });

  it('adds observed fields the declared schema does not mention', () => {
    const withExtra = { entities: [], relations: [], nextCursor: 'page-2' };
    const [profile] = profileTools([openNodes], [probeCall(0, 'open_nodes', withExtra)]);
    expect(profile!.outputs.map((f) => f.path)).toContain('nextCursor');
    expect(profile!.outputs.find((f) => f.path === 'nextCursor')).toEqual({ path: 'nextCursor', type: 'string', example: 'page-2' });
  });

  it('learns nothing from failed probe calls, setup calls or other tools’ calls', () => {
    const calls = [
      probeCall(0, 'get_task', { error: 'no such task', code: 404 }, { isError: true }),
      probeCall(1, 'get_task', { seeded: 'by setup' }, { phase: 'setup' }),
      probeCall(2, 'other_tool', { id: 'x-1' }),
    ];
    const [profile] = profileTools([undeclared], calls);
    expect(profile!.outputs).toEqual([]);
  });

  it('profiles only usable tools', () => {
    const unusable: DiscoveredTool = { ...undeclared, name: 'skipped', usable: false, skipReason: 'excluded by the spec' };
    expect(profileTools([undeclared, unusable], []).map((p) => p.name)).toEqual(['get_task']);
  });
});
