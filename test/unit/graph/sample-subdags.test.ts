import { describe, expect, it } from 'vitest';
import type { SubDag } from '../../../src/domain.js';
import { candidatePairs } from '../../../src/graph/edge-judge.js';
import { SamplingOptionsError } from '../../../src/graph/errors.js';
import { OfflineEdgeJudge } from '../../../src/graph/offline-judge.js';
import { sampleSubDags } from '../../../src/graph/sample-subdags.js';
import { edgeId, subDagKey, subDagShape } from '../../../src/graph/subdag-key.js';
import { buildToolGraph, type ToolGraph } from '../../../src/graph/tool-graph.js';
import { memoryTools } from './fixtures/memory-server.js';
import { profilesOf } from './fixtures/profiles.js';
import { graphOf, largeGraph } from './fixtures/synthetic-graph.js';
import { taskManagerOutputs, taskManagerTools } from './fixtures/task-manager-server.js';

async function judgedGraph(profiles = profilesOf(memoryTools)): Promise<ToolGraph> {
  return buildToolGraph(profiles, await new OfflineEdgeJudge().judge(candidatePairs(profiles)));
}

/** Every structural promise a sub-DAG makes, checked against the graph it came from. */
function expectValid(subDags: SubDag[], graph: ToolGraph, maxTools: number): void {
  subDags.forEach((subDag, i) => {
    expect(subDag.index).toBe(i);
    expect(subDag.tools.length).toBeGreaterThanOrEqual(1);
    expect(subDag.tools.length).toBeLessThanOrEqual(maxTools);
    expect(new Set(subDag.tools).size).toBe(subDag.tools.length);
    expect(subDag.key).toBe(subDagKey(subDag.tools, subDag.edges));
    expect(subDag.shape).toBe(subDagShape(subDag.tools.length, subDag.edges));
    const position = new Map(subDag.tools.map((tool, p) => [tool, p]));
    for (const e of subDag.edges) {
      // Topological order: every edge runs from an earlier tool to a later one.
      expect(position.get(e.from)).toBeLessThan(position.get(e.to) ?? -1);
      expect(graph.hasDirectedEdge(e.from, e.to)).toBe(true);
      expect(e.confidence).toBe(graph.getDirectedEdgeAttribute(e.from, e.to, 'confidence'));
    }
    expect(isConnected(subDag)).toBe(true);
  });
  expect(new Set(subDags.map((d) => d.key)).size).toBe(subDags.length);
}

function isConnected({ tools, edges }: SubDag): boolean {
  const reached = new Set(tools.slice(0, 1));
  for (let grew = true; grew; ) {
    grew = false;
    for (const { from, to } of edges) {
      if (reached.has(from) !== reached.has(to)) {
        reached.add(from);
        reached.add(to);
        grew = true;
      }
    }
  }
  return reached.size === tools.length;
}

describe('sampleSubDags', () => {
  it('returns valid sub-DAGs on the memory and taskmanager graphs', async () => {
    for (const graph of [await judgedGraph(), await judgedGraph(profilesOf(taskManagerTools, taskManagerOutputs))]) {
      const subDags = sampleSubDags(graph, { count: 30, seed: 11 });
      expect(subDags.length).toBe(30);
      expectValid(subDags, graph, 6);
    }
  });

  it('is reproducible for a seed, and another seed gives other sub-DAGs', async () => {
    const graph = await judgedGraph();
    const first = sampleSubDags(graph, { count: 15, seed: 42 });
    expect(sampleSubDags(await judgedGraph(), { count: 15, seed: 42 })).toEqual(first);
    expect(sampleSubDags(graph, { count: 15, seed: 43 }).map((d) => d.key)).not.toEqual(first.map((d) => d.key));
  });

  it('keeps sizes within maxTools', async () => {
    const graph = largeGraph(60, 6);
    for (const maxTools of [1, 2, 3]) {
      const subDags = sampleSubDags(graph, { count: 40, seed: 5, maxTools });
      expect(subDags.length).toBe(40);
      expectValid(subDags, graph, maxTools);
    }
  });

  it('covers every connected tool before repeating when count ≥ the number of tools', () => {
    const graph = largeGraph(80, 3);
    const subDags = sampleSubDags(graph, { count: graph.order, seed: 9 });
    const covered = new Set(subDags.flatMap((d) => d.tools));
    const connected = graph.filterNodes((tool) => graph.degree(tool) > 0);
    expect(connected.filter((tool) => !covered.has(tool))).toEqual([]);
  });

  it('prefers tools and edges that earlier runs did not explore', () => {
    const graph = graphOf(['hub>a', 'hub>b', 'hub>c:low']);
    const [first] = sampleSubDags(graph, { count: 1, seed: 1, explored: { tools: ['hub', 'a', 'b'], edges: [edgeId('hub', 'a'), edgeId('hub', 'b')] } });
    expect(first?.tools).toContain('c');
  });

  it('starts from a tool with two or more high-confidence successors first', () => {
    // Only `hub` has two high successors; the other components are chains of medium edges.
    const graph = graphOf(['hub>x', 'hub>y', 'p>q:medium', 'q>r:medium', 's>t:medium', 'u>v:medium']);
    for (let seed = 0; seed < 20; seed++) {
      const [first] = sampleSubDags(graph, { count: 1, seed });
      expect(first?.tools).toContain('hub');
    }
  });

  it('prefers medium and high edges over low ones', () => {
    const graph = graphOf(['hub>a', 'hub>b', 'hub>c:low']);
    const picks = Array.from({ length: 60 }, (_v, seed) => sampleSubDags(graph, { count: 1, seed, maxTools: 2 })[0]);
    const lowPicks = picks.filter((d) => d?.edges.some((e) => e.confidence === 'low')).length;
    expect(lowPicks).toBeLessThan(10);
  });

  it('returns fewer sub-DAGs when the graph has no more distinct ones', () => {
    const graph = graphOf(['a>b'], ['lonely']);
    const subDags = sampleSubDags(graph, { count: 50, seed: 3 });
    expect(subDags.map((d) => d.tools)).toEqual(expect.arrayContaining([['a', 'b'], ['lonely']]));
    expect(subDags).toHaveLength(2);
  });

  it('explores each tool of a server whose tools do not connect on its own', () => {
    const graph = graphOf([], ['x', 'y', 'z']);
    const subDags = sampleSubDags(graph, { count: 10, seed: 1 });
    expect(subDags.map((d) => d.tools[0]).sort()).toEqual(['x', 'y', 'z']);
    expect(subDags.every((d) => d.shape === 'single' && d.edges.length === 0)).toBe(true);
  });

  it('returns nothing for an empty graph or a count of 0', () => {
    expect(sampleSubDags(graphOf([]), { count: 5, seed: 1 })).toEqual([]);
    expect(sampleSubDags(graphOf(['a>b']), { count: 0, seed: 1 })).toEqual([]);
  });

  it('produces chains, fan-outs and fan-ins on a graph that has room for all three', () => {
    const graph = graphOf(['a>b', 'b>c', 'c>d', 'a>e', 'a>f', 'g>h', 'i>h', 'j>h', 'd>k', 'k>l', 'e>m', 'm>h']);
    const shapes = new Set(sampleSubDags(graph, { count: 60, seed: 2 }).map((d) => d.shape));
    expect(shapes).toContain('chain');
    expect(shapes).toContain('fan-out');
    expect(shapes).toContain('fan-in');
  });

  it('orders destructive tools after the others wherever the edges allow', () => {
    const graph = buildToolGraph(
      [
        { name: 'list', description: '', inputs: [], outputs: [] },
        { name: 'delete', description: '', inputs: [], outputs: [], annotations: { destructiveHint: true } },
        { name: 'read', description: '', inputs: [], outputs: [] },
      ],
      ['delete', 'read'].map((to) => ({ from: 'list', to, confidence: 'high' as const, mappings: [], judge: 'test', reason: 'test' })),
    );
    // Growth adds `delete` or `read` second depending on the seed; the order must not depend on it.
    const fanOuts = Array.from({ length: 20 }, (_v, seed) => sampleSubDags(graph, { count: 10, seed, maxTools: 3 }).find((d) => d.tools.length === 3));
    expect(fanOuts.map((d) => d?.tools)).toEqual(fanOuts.map(() => ['list', 'read', 'delete']));
  });

  it('samples thousands of sub-DAGs from a graph of hundreds of tools', () => {
    const graph = largeGraph(400, 15);
    const subDags = sampleSubDags(graph, { count: 2000, seed: 8 });
    expect(subDags).toHaveLength(2000);
    expectValid(subDags, graph, 6);
  });

  it('refuses options out of range', () => {
    const graph = graphOf(['a>b']);
    expect(() => sampleSubDags(graph, { count: -1, seed: 1 })).toThrow(SamplingOptionsError);
    expect(() => sampleSubDags(graph, { count: 2.5, seed: 1 })).toThrow(SamplingOptionsError);
    expect(() => sampleSubDags(graph, { count: 1, seed: 0.5 })).toThrow(SamplingOptionsError);
    expect(() => sampleSubDags(graph, { count: 1, seed: 1, maxTools: 0 })).toThrow(SamplingOptionsError);
  });
});

describe('subDagShape', () => {
  it('reads the shape from the edges', () => {
    expect(subDagShape(1, [])).toBe('single');
    expect(subDagShape(3, [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toBe('chain');
    expect(subDagShape(3, [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }])).toBe('fan-out');
    expect(subDagShape(3, [{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }])).toBe('fan-in');
    expect(subDagShape(4, [{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }, { from: 'a', to: 'd' }])).toBe('mixed');
  });

  it('gives the same key whatever order tools and edges come in', () => {
    expect(subDagKey(['b', 'a'], [{ from: 'a', to: 'b' }])).toBe(subDagKey(['a', 'b'], [{ from: 'a', to: 'b' }]));
    expect(subDagKey(['a', 'b'], [{ from: 'a', to: 'b' }])).not.toBe(subDagKey(['a', 'b'], [{ from: 'b', to: 'a' }]));
  });
});
