import { describe, expect, it } from 'vitest';
import { subDagLabel } from '../../../src/graph/subdag-label.js';

const edge = (from: string, to: string) => ({ from, to, confidence: 'high' as const, mappings: [] });

describe('subDagLabel', () => {
  it('reads a chain along its edges', () => {
    expect(subDagLabel({ tools: ['read_graph', 'open_nodes', 'add_observations'], edges: [edge('read_graph', 'open_nodes'), edge('open_nodes', 'add_observations')] })).toBe(
      'read_graph → open_nodes → add_observations',
    );
  });

  it('lists the edges of any other shape, and names a single tool', () => {
    expect(subDagLabel({ tools: ['a', 'b', 'c'], edges: [edge('a', 'b'), edge('a', 'c')] })).toBe('a → b, a → c');
    expect(subDagLabel({ tools: ['a', 'b', 'c'], edges: [edge('a', 'c'), edge('b', 'c')] })).toBe('a → c, b → c');
    expect(subDagLabel({ tools: ['only'], edges: [] })).toBe('only');
  });

  it('cuts a long label to a line', () => {
    const tools = Array.from({ length: 40 }, (_, i) => `tool_number_${i}`);
    const label = subDagLabel({ tools, edges: tools.slice(1).map((to, i) => edge(tools[i]!, to)) });
    expect(label.length).toBe(160);
    expect(label.endsWith('…')).toBe(true);
  });
});
