import { describe, expect, it } from 'vitest';
import { candidatePairs } from '../../../src/graph/edge-judge.js';
import { ToolGraphError } from '../../../src/graph/errors.js';
import { OfflineEdgeJudge } from '../../../src/graph/offline-judge.js';
import { buildToolGraph, graphEdges, highConfidenceSuccessors } from '../../../src/graph/tool-graph.js';
import { edge, profile } from './fixtures/synthetic-graph.js';
import { memoryTools } from './fixtures/memory-server.js';
import { profilesOf } from './fixtures/profiles.js';

describe('buildToolGraph', () => {
  it('holds every profile as a node and every judged edge, and gives the edges back unchanged', async () => {
    const profiles = profilesOf(memoryTools);
    const edges = await new OfflineEdgeJudge().judge(candidatePairs(profiles));
    const graph = buildToolGraph(profiles, edges);
    expect(graph.order).toBe(profiles.length);
    expect(graph.size).toBe(edges.length);
    expect(graph.getNodeAttributes('open_nodes')).toEqual(profiles.find((p) => p.name === 'open_nodes'));
    expect(graphEdges(graph)).toEqual(edges);
  });

  it('lists the high-confidence successors of a tool', () => {
    const graph = buildToolGraph(
      ['a', 'b', 'c', 'd'].map((name) => profile(name)),
      [edge('a', 'b', 'high'), edge('a', 'c', 'medium'), edge('a', 'd', 'high'), edge('b', 'a', 'high')],
    );
    expect(highConfidenceSuccessors(graph, 'a').sort()).toEqual(['b', 'd']);
    expect(highConfidenceSuccessors(graph, 'c')).toEqual([]);
  });

  it('refuses inputs that do not form a tool graph', () => {
    const tools = [profile('a'), profile('b')];
    expect(() => buildToolGraph([...tools, profile('a')], [])).toThrow(ToolGraphError);
    expect(() => buildToolGraph(tools, [edge('a', 'missing')])).toThrow(ToolGraphError);
    expect(() => buildToolGraph(tools, [edge('a', 'a')])).toThrow(ToolGraphError);
    expect(() => buildToolGraph(tools, [edge('a', 'b'), edge('a', 'b', 'low')])).toThrow(ToolGraphError);
    expect(() => highConfidenceSuccessors(buildToolGraph(tools, []), 'missing')).toThrow(ToolGraphError);
  });
});
