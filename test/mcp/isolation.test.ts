import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpSession } from '../../src/mcp/session.js';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { exampleSpec, PROJECT_ROOT, sandboxes, type Sandboxes } from './helpers.js';

/** Entity names in the memory server's knowledge graph. */
async function entityNames(session: McpSession): Promise<string[]> {
  const { result } = await session.call('read_graph', {});
  const graph = (result as { structuredContent: { entities: Array<{ name: string }> } }).structuredContent;
  return graph.entities.map((e) => e.name).sort();
}

describe('sandbox isolation (memory server)', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it('two sessions in two sandboxes do not see each other\'s entities', async () => {
    const spec = await exampleSpec('memory');
    const a = await boxes.open(spec, { episodeKey: 'a' });
    const b = await boxes.open(spec, { episodeKey: 'b' });
    await a.session.call('create_entities', { entities: [{ name: 'Only in A', entityType: 'note', observations: [] }] });
    await b.session.call('create_entities', { entities: [{ name: 'Only in B', entityType: 'note', observations: [] }] });
    expect(await entityNames(a.session)).toEqual(['Only in A']);
    expect(await entityNames(b.session)).toEqual(['Only in B']);
  });

  it('setup-seeded state is visible, survives a resumed episode and is gone from a fresh one', async () => {
    const spec = await exampleSpec('memory');
    const first = await boxes.open(spec, { episodeKey: 'seeded' });
    for (const [i, call] of spec.setup.entries()) {
      const args = resolveArguments(call.arguments, `server.setup[${i}].arguments`, { sandboxDir: first.sandboxDir, projectRoot: PROJECT_ROOT, env: {} });
      await first.session.call(call.tool, args);
    }
    const seeded = ['Ada Lovelace', 'Analytical Engine', 'Charles Babbage', 'London'];
    expect(await entityNames(first.session)).toEqual(seeded);
    const found = await first.session.call('search_nodes', { query: 'Babbage' });
    expect(JSON.stringify(found.result)).toContain('Difference Engine');
    await first.session.close();

    const resumed = await boxes.open(spec, { episodeKey: 'seeded', reuse: true });
    expect(await entityNames(resumed.session)).toEqual(seeded);
    await resumed.session.close();

    const fresh = await boxes.open(spec, { episodeKey: 'seeded', reuse: false });
    expect(await entityNames(fresh.session)).toEqual([]);
  });
});
