import { describe, expect, it } from 'vitest';
import { EDGE_TOOL, renderEdgeBatch } from '../../../../src/llm/stages/edge-judge-prompt.js';
import { PAIRS } from './judge-fixtures.js';

describe('edge judge prompt', () => {
  it('describes each tool once with the candidate fields (type, description, example) and lists every pair by id', () => {
    const text = renderEdgeBatch(PAIRS);
    expect(text.match(/^## read_graph$/gm)).toHaveLength(1);
    expect(text).toContain('entities[].name (string): entity name (e.g. "Ada Lovelace")');
    expect(text).toContain('names[] (string, required): entity names to open');
    expect(text).toContain('P1: read_graph → search_nodes\n    query ← entities[].name | entities[].entityType');
    expect(text).toContain('P4: open_nodes → search_nodes\n    query ← entities[].observations[]');
    expect(text).not.toContain('P5');
  });

  it('asks for pair, edge, confidence, mappings and reason per judgement', () => {
    const { judgements } = EDGE_TOOL.inputSchema.properties as { judgements: { items: { required: string[] } } };
    const items = judgements.items;
    expect(items.required).toEqual(['pair', 'edge', 'confidence', 'mappings', 'reason']);
  });
});
