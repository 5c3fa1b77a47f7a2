import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain.js';
import { SimulatorCache } from '../../src/simulator/cache.js';
import { NearestRecording } from '../../src/simulator/retrieval.js';
import { INITIAL_STATE, nextState } from '../../src/simulator/state.js';
import { canonicalArguments } from '../../src/simulator/canonical.js';
import { recorded, text } from '../unit/simulator/fixtures.js';

const SEARCH = { name: 'search_nodes', description: 'Search', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } };
const WRITE = { name: 'create_entities', description: 'Create', inputSchema: { type: 'object' } };

/** search_nodes recorded with five queries; the last also after a write, in a second episode. */
function cache(): SimulatorCache {
  const queries = ['ada lovelace', 'ada byron', 'grace hopper', 'alan turing', 'ada lovelace countess'];
  return SimulatorCache.fromRecording({
    server: 'memory',
    tools: [SEARCH, WRITE],
    setup: [],
    calls: [
      ...queries.map((query, step) => recorded(0, step, 'search_nodes', { query }, text({ query }))),
      recorded(1, 0, 'create_entities', { entities: ['x'] }, text('ok')),
      recorded(1, 1, 'search_nodes', { query: 'ada lovelace countess' }, text('after the write')),
    ],
  });
}

describe('NearestRecording.nearest: the examples of a generated answer', () => {
  const position = (state: string) => ({ state, history: new Map([[INITIAL_STATE, 0], ...(state === INITIAL_STATE ? [] : [[state, 1] as [string, number]])]) });

  it('gives one recording per argument set, most similar first, at most the limit; the first is what find() returns', () => {
    const nearest = new NearestRecording(cache());
    const args: JsonObject = { query: 'ada lovelace' };
    const examples = nearest.nearest('search_nodes', args, position(INITIAL_STATE), 3);
    expect(examples.map((e) => (e.entry.args as { query: string }).query)).toEqual(['ada lovelace', 'ada lovelace countess', 'ada byron']);
    const similarities = examples.map((e) => e.similarity);
    expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
    expect(examples[0]).toEqual(nearest.find('search_nodes', args, position(INITIAL_STATE)));
    expect(nearest.nearest('search_nodes', args, position(INITIAL_STATE), 10)).toHaveLength(5);
    expect(nearest.nearest('search_nodes', args, position(INITIAL_STATE), 0)).toEqual([]);
    expect(nearest.nearest('open_nodes', args, position(INITIAL_STATE), 3)).toEqual([]);
  });

  it('represents an argument set by its recording in the episode\'s own state', () => {
    const afterWrite = nextState(INITIAL_STATE, 'create_entities', canonicalArguments({ entities: ['x'] }));
    const nearest = new NearestRecording(cache());
    const args = { query: 'countess' };
    const [fresh] = nearest.nearest('search_nodes', args, position(INITIAL_STATE), 1);
    const [written] = nearest.nearest('search_nodes', args, position(afterWrite), 1);
    expect(fresh!.entry.source).toMatchObject({ subDagIndex: 0, step: 4 });
    expect(written!.entry.source).toMatchObject({ subDagIndex: 1, step: 1 });
    expect(written).toEqual(nearest.find('search_nodes', args, position(afterWrite)));
  });
});
