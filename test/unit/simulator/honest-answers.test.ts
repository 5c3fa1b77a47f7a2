import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { JsonObject, ToolDefinition } from '../../../src/domain.js';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { createSimulatorServer } from '../../../src/simulator/mcp-server.js';
import { canonicalArguments } from '../../../src/simulator/canonical.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { nextState } from '../../../src/simulator/state.js';
import { META_PROVENANCE, META_STATE_DISTANCE } from '../../../src/simulator/wire.js';
import { entity, graph, recorded, text } from './fixtures.js';

/** Tools with the closed schemas real servers declare (zod's additionalProperties: false). */
const closed = (properties: JsonObject, required: string[]) => ({ type: 'object', properties, required, additionalProperties: false });
const tools: ToolDefinition[] = [
  { name: 'create_entities', description: '', inputSchema: closed({ entities: { type: 'array', items: { type: 'object' } } }, ['entities']), annotations: { readOnlyHint: false } },
  { name: 'delete_entities', description: '', inputSchema: closed({ entityNames: { type: 'array', items: { type: 'string' } } }, ['entityNames']), annotations: { readOnlyHint: false } },
  { name: 'read_graph', description: '', inputSchema: closed({}, []), annotations: { readOnlyHint: true } },
  { name: 'open_nodes', description: '', inputSchema: closed({ names: { type: 'array', items: { type: 'string' } } }, ['names']), annotations: { readOnlyHint: true } },
  { name: 'get_sum', description: '', inputSchema: closed({ a: { type: 'number' }, b: { type: 'number' } }, ['a', 'b']), annotations: { readOnlyHint: true } },
];

/**
 * Episode 0: read (Ada), create Bob, open Bob, read (Ada, Bob), sum 18 + 24.
 * Episode 1: delete Ada, read (empty). No episode deletes Ada after creating Bob.
 */
function cache(): SimulatorCache {
  return SimulatorCache.fromRecording({
    server: 'memory',
    tools,
    setup: [{ tool: 'create_entities', arguments: { entities: [entity('Ada')] } }],
    calls: [
      ...[0, 1].map((episode) => recorded(episode, 0, 'create_entities', { entities: [entity('Ada')] }, text({ created: ['Ada'] }), { phase: 'setup' })),
      recorded(0, 1, 'read_graph', {}, graph('Ada')),
      recorded(0, 2, 'create_entities', { entities: [entity('Bob')] }, text({ created: ['Bob'] })),
      recorded(0, 3, 'open_nodes', { names: ['Bob'] }, text({ entities: [entity('Bob')] })),
      recorded(0, 4, 'read_graph', {}, graph('Ada', 'Bob')),
      recorded(0, 5, 'get_sum', { a: 18, b: 24 }, text('The sum of 18 and 24 is 42.')),
      recorded(0, 6, 'open_nodes', { names: ['Ada Lovelace'] }, text({ entities: [entity('Ada Lovelace')] })),
      recorded(1, 1, 'delete_entities', { entityNames: ['Ada'] }, text('deleted')),
      recorded(1, 2, 'read_graph', {}, graph()),
    ],
  });
}

describe('the simulator answers honestly', () => {
  it('refuses a wrong-typed, a missing and an extra argument as invalid, naming it, and keeps the state', async () => {
    const episode = new Simulator(cache()).startEpisode();
    const state = episode.state;
    const wrongType = await episode.call('open_nodes', { names: 'Bob' });
    expect(wrongType).toMatchObject({ provenance: 'none', isError: true });
    expect(wrongType.invalidArguments).toMatch(/arguments\/names must be array/);
    expect((await episode.call('get_sum', { a: 18 })).invalidArguments).toMatch(/must have required property 'b'/);
    expect((await episode.call('read_graph', { depth: 2 })).invalidArguments).toMatch(/must NOT have additional properties/);
    expect((await episode.call('create_entities', { entities: [entity('Eve')], extra: true })).invalidArguments).toBeDefined();
    expect(episode.state).toBe(state);
  });

  it('does not answer a read in a state never recorded with another state\'s data (strict)', async () => {
    const simulator = new Simulator(cache());
    // Bob exists only in episodes that created him: here he does not.
    const bob = await simulator.startEpisode().call('open_nodes', { names: ['Bob'] });
    expect(bob).toMatchObject({ provenance: 'none', isError: true, stateDistance: 1 });
    expect(bob.similarity).toBeLessThan(1);
    // After a delete never recorded in this history (Ada deleted after Bob was created), the
    // graph recorded before the delete is not the answer.
    const afterBob = simulator.startEpisode();
    await afterBob.call('create_entities', { entities: [entity('Bob')] });
    const afterDelete = nextState(afterBob.state, 'delete_entities', canonicalArguments({ entityNames: ['Ada'] }));
    const read = await simulator.startEpisode({ state: afterDelete }).call('read_graph', {});
    expect(read).toMatchObject({ provenance: 'none', isError: true });
    expect(read.stateDistance).toBeGreaterThan(0);
    // The same read in a state no recording shares: none, with the distance to the nearest.
    const far = await simulator.startEpisode({ state: 'f'.repeat(32) }).call('read_graph', {});
    expect(far.provenance).toBe('none');
    expect(far.stateDistance).toBeGreaterThan(0);
  });

  it('lenient answers the nearest state\'s read, never with similarity 1', async () => {
    const bob = await new Simulator(cache(), { policy: 'lenient' }).startEpisode().call('open_nodes', { names: ['Bob'] });
    expect(bob).toMatchObject({ provenance: 'retrieved', similarity: 0.5, stateDistance: 1 });
  });

  it('does not answer padded or re-spaced strings exactly', async () => {
    const simulator = new Simulator(cache());
    const episode = simulator.startEpisode();
    await episode.call('create_entities', { entities: [entity('Bob')] });
    expect((await episode.call('open_nodes', { names: ['Ada Lovelace'] })).provenance).toBe('exact');
    expect((await episode.call('open_nodes', { names: [' Ada Lovelace'] })).provenance).toBe('none');
    expect((await episode.call('open_nodes', { names: ['Ada  Lovelace'] })).provenance).toBe('none');
  });

  it('does not answer a changed entity or number with another call\'s record (strict)', async () => {
    const episode = new Simulator(cache()).startEpisode();
    await episode.call('create_entities', { entities: [entity('Bob')] });
    expect((await episode.call('get_sum', { a: 18, b: 24 })).provenance).toBe('exact');
    const sum = await episode.call('get_sum', { a: 19, b: 24 });
    expect(sum.provenance).toBe('none');
    expect(JSON.stringify(sum.result)).not.toContain('42');
    expect((await episode.call('open_nodes', { names: ['Carol'] })).provenance).toBe('none');
  });

  it('keeps every later call exact after an extra read', async () => {
    const episode = new Simulator(cache()).startEpisode();
    await episode.call('open_nodes', { names: ['Nobody'] });
    const reference: Array<[string, JsonObject]> = [['read_graph', {}], ['create_entities', { entities: [entity('Bob')] }], ['open_nodes', { names: ['Bob'] }], ['read_graph', {}]];
    for (const [tool, args] of reference) {
      expect((await episode.call(tool, args)).provenance).toBe('exact');
    }
  });

  it('over MCP: invalid arguments are a -32602 error naming the argument; answers carry provenance and state distance', async () => {
    const server = createSimulatorServer(new Simulator(cache()));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    try {
      const refused = await client.callTool({ name: 'get_sum', arguments: { a: '18', b: 24 } }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).code).toBe(-32602);
      expect((refused as McpError).message).toMatch(/arguments\/a must be number/);
      const missed = await client.callTool({ name: 'open_nodes', arguments: { names: ['Bob'] } });
      expect(missed._meta).toMatchObject({ [META_PROVENANCE]: 'none', [META_STATE_DISTANCE]: 1 });
    } finally {
      await client.close();
    }
  });
});
