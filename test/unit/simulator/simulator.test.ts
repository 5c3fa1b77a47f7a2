import { beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/domain.js';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { entity, graph, handMadeInput, recorded, text } from './fixtures.js';

const firstText = (result: unknown) => ((result as JsonObject).content as Array<{ text: string }>)[0]?.text ?? '';

describe('Simulator on a hand-made cache', () => {
  let cache: SimulatorCache;
  let simulator: Simulator;
  beforeEach(() => {
    cache = SimulatorCache.fromRecording(handMadeInput());
    simulator = new Simulator(cache);
  });

  it('lists the recorded tools as they were declared, as copies', () => {
    const tools = simulator.tools();
    expect(tools.map((t) => t.name)).toEqual(['create_entities', 'read_graph', 'open_nodes', 'search_nodes', 'delete_entities']);
    expect(tools[2]?.outputSchema).toBeDefined();
    tools[0]!.name = 'changed';
    expect(simulator.tools()[0]?.name).toBe('create_entities');
  });

  it('answers a recorded call exactly, with its source and state distance 0', async () => {
    const episode = simulator.startEpisode();
    const answer = await episode.call('search_nodes', { query: 'Ada Lovelace' });
    expect(answer).toEqual({ provenance: 'exact', similarity: 1, stateDistance: 0, isError: false, result: text({ entities: [entity('Ada')] }), source: { runId: 'run-1', subDagIndex: 0, step: 1 } });
  });

  it('replays a recorded error as recorded, and it does not change the state', async () => {
    const episode = simulator.startEpisode();
    const before = episode.state;
    const failed = await episode.call('create_entities', { entities: [{ name: 'Bad' }] });
    expect(failed).toMatchObject({ provenance: 'exact', isError: true, source: { subDagIndex: 0, step: 2 } });
    expect(episode.state).toBe(before);
    expect(await episode.call('read_graph', {})).toMatchObject({ provenance: 'exact', result: graph('Ada') });
  });

  it('is state-aware: the same read answers differently before and after a write', async () => {
    const episode = simulator.startEpisode();
    const before = await episode.call('read_graph');
    expect(before).toMatchObject({ provenance: 'exact', result: graph('Ada'), source: { subDagIndex: -1, step: 1 } });
    const write = await episode.call('create_entities', { entities: [entity('Bob')] });
    expect(write.provenance).toBe('exact');
    const after = await episode.call('read_graph');
    expect(after).toMatchObject({ provenance: 'exact', result: graph('Ada', 'Bob'), source: { subDagIndex: -1, step: 3 } });
    // A new episode starts from the setup state again.
    expect((await simulator.startEpisode().call('read_graph')).result).toEqual(graph('Ada'));
  });

  it('with stateAware off, answers the first recording with the arguments in any state', async () => {
    const blind = new Simulator(cache, { stateAware: false });
    const episode = blind.startEpisode();
    await episode.call('create_entities', { entities: [entity('Bob')] });
    expect(await episode.call('read_graph')).toMatchObject({ provenance: 'exact', result: graph('Ada'), source: { subDagIndex: -1, step: 1 } });
  });

  it('lenient: retrieves the nearest recording of the same tool at or above the threshold, discounted by state distance', async () => {
    // Argument similarity 0.5, recorded one write (Bob) away from this episode's state: 0.5 / 2.
    const lenient = new Simulator(cache, { policy: 'lenient', retrievalThreshold: 0.2 });
    const answer = await lenient.startEpisode().call('open_nodes', { names: ['Ada', 'Bob'] });
    expect(answer.provenance).toBe('retrieved');
    expect(answer.similarity).toBeCloseTo(0.25);
    expect(answer.stateDistance).toBe(1);
    expect(answer.source).toEqual({ runId: 'run-1', subDagIndex: -1, step: 4 });
    expect(answer.result).toEqual(cache.entries.find((e) => e.tool === 'open_nodes')?.result);
    const higher = await new Simulator(cache, { policy: 'lenient', retrievalThreshold: 0.3 }).startEpisode().call('open_nodes', { names: ['Ada', 'Bob'] });
    expect(higher.provenance).toBe('none');
    expect((await simulator.startEpisode().call('open_nodes', { names: ['Ada', 'Bob'] })).provenance).toBe('none');
  });

  it('answers none with an error result that gives the nearest similarity', async () => {
    const answer = await simulator.startEpisode().call('search_nodes', { query: 'Grace Hopper' });
    expect(answer).toMatchObject({ provenance: 'none', isError: true, similarity: 0 });
    expect(answer.source).toBeUndefined();
    expect(answer.result).toMatchObject({ isError: true });
    expect(firstText(answer.result)).toMatch(/^No recorded data for search_nodes with these arguments in this state \(nearest similarity 0\.00.*only the same call in the same state answers/);
  });

  it('answers none for a known tool that was never recorded, saying so', async () => {
    const answer = await simulator.startEpisode().call('delete_entities', { entityNames: ['Ada'] });
    expect(answer.provenance).toBe('none');
    expect(firstText(answer.result)).toMatch(/the recording holds no call of this tool/);
  });

  it('answers none for an unknown tool, listing the known ones, and keeps the state', async () => {
    const episode = simulator.startEpisode();
    const state = episode.state;
    const answer = await episode.call('drop_database', {});
    expect(answer).toMatchObject({ provenance: 'none', isError: true, similarity: 0 });
    expect(firstText(answer.result)).toMatch(/Unknown tool "drop_database".*create_entities, read_graph, open_nodes, search_nodes, delete_entities/);
    expect(episode.state).toBe(state);
  });

  it('truncates the list of known tools in an unknown-tool error', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `tool_${i}`, description: '', inputSchema: { type: 'object' } }));
    const big = new Simulator(SimulatorCache.fromRecording({ server: 's', tools: many, setup: [], calls: [] }));
    const message = firstText((await big.startEpisode().call('nope', {})).result);
    expect(message).toMatch(/tool_19, … \(30 tools\)/);
    expect(message).not.toMatch(/tool_20/);
  });

  it('advances the state after a retrieved write, then prefers recordings sharing the longest history', async () => {
    // Carol's entity shares its type and part of its observation with Bob's: similarity ~0.32, halved
    // since Bob's create was recorded one write (Bob's own) before this state.
    const episode = new Simulator(cache, { policy: 'lenient', retrievalThreshold: 0.15 }).startEpisode();
    await episode.call('create_entities', { entities: [entity('Bob')] });
    const stateAfterBob = episode.state;
    const carol = await episode.call('create_entities', { entities: [entity('Carol')] });
    expect(carol.provenance).toBe('retrieved');
    expect(episode.state).not.toBe(stateAfterBob);
    // No read_graph was recorded in this state: the one after Bob shares more history than the setup one.
    const read = await episode.call('read_graph');
    expect(read).toMatchObject({ provenance: 'retrieved', similarity: 0.5, stateDistance: 1, result: graph('Ada', 'Bob') });
  });

  it('prefers the first recording by (sub-DAG, step) when several share an exact key', async () => {
    const input = handMadeInput();
    input.calls.push(recorded(-2, 0, 'create_entities', input.setup[0]!.arguments, text('first'), { phase: 'setup' }));
    input.calls.push(recorded(-2, 1, 'read_graph', {}, text('earliest')));
    const answer = await new Simulator(SimulatorCache.fromRecording(input)).startEpisode().call('read_graph');
    expect(answer).toMatchObject({ provenance: 'exact', result: text('earliest'), source: { subDagIndex: -2, step: 1 } });
  });

  it('gives every caller its own copy of an answer', async () => {
    const first = await simulator.startEpisode().call('read_graph');
    (first.result as JsonObject).content = [];
    expect((await simulator.startEpisode().call('read_graph')).result).toEqual(graph('Ada'));
  });

  it('can start an episode in a given recorded state', async () => {
    const afterBob = cache.entries.find((e) => e.source.subDagIndex === -1 && e.source.step === 3)!.state;
    expect((await simulator.startEpisode({ state: afterBob }).call('read_graph')).result).toEqual(graph('Ada', 'Bob'));
  });

  it('refuses a threshold outside [0, 1], naming the option', () => {
    expect(() => new Simulator(cache, { retrievalThreshold: 1.5 })).toThrow(/retrievalThreshold is 1.5/);
    expect(() => new Simulator(cache, { retrievalThreshold: Number.NaN })).toThrow(RangeError);
  });
});
