import type { SubDag } from '../domain.js';
import { seededRandom, type Random } from '../random.js';
import { SamplingOptionsError } from './errors.js';
import { Coverage, indexGraph, type SamplingIndex } from './sampling-index.js';
import { growSubDag, weightedIndex, type GrownSubDag, type ShapeIntent } from './subdag-growth.js';
import { subDagKey, subDagShape } from './subdag-key.js';
import type { ToolGraph } from './tool-graph.js';

export interface SampleOptions {
  /** How many sub-DAGs to return at most; fewer when the graph has no more distinct ones. */
  count: number;
  /** Same graph, options and seed: same sub-DAGs. */
  seed: number;
  /** At most this many tools per sub-DAG (default 6). */
  maxTools?: number;
  /** Tools and edges (as `edgeId` strings) explored by earlier runs: sampling prefers others. */
  explored?: { tools: string[]; edges: string[] };
}

export const DEFAULT_MAX_TOOLS = 6;

/** Duplicates a start may produce before it is given up: by then its neighbourhood is used up. */
const FAILURES_PER_START = 8;

const INTENTS: readonly ShapeIntent[] = ['chain', 'fan-out', 'fan-in', 'mixed'];
const INTENT_WEIGHTS: readonly number[] = [0.3, 0.25, 0.25, 0.2];

/**
 * Samples distinct, connected, acyclic sub-DAGs of the tool graph, seeded and coverage-aware:
 * each starts at the tool with the most still unexplored around it (ties broken in favour of
 * tools with two or more high-confidence successors, then any successor), and grows towards
 * unexplored tools and edges first, so N sub-DAGs spread over the graph before any repeats.
 * Tools without edges become single-tool sub-DAGs, so unconnected servers still get explored.
 */
export function sampleSubDags(graph: ToolGraph, options: SampleOptions): SubDag[] {
  const { count, seed, maxTools } = checkedOptions(options);
  const index = indexGraph(graph);
  const coverage = new Coverage(index);
  const toolNumbers = new Map(index.tools.map((tool, i) => [tool, i]));
  for (const tool of options.explored?.tools ?? []) {
    const number = toolNumbers.get(tool);
    if (number !== undefined) coverage.addTool(number);
  }
  const exploredEdges = new Set(options.explored?.edges ?? []);
  for (const arcs of index.out) for (const arc of arcs) if (exploredEdges.has(arc.id)) coverage.addArc(arc);

  const random = seededRandom(seed);
  const failures = index.tools.map(() => 0);
  const keys = new Set<string>();
  const chosen: SubDag[] = [];
  // Every attempt either adds a sub-DAG or counts a failure against its start, so this bounds the loop.
  const maxAttempts = count + FAILURES_PER_START * index.tools.length;
  for (let attempt = 0; attempt < maxAttempts && chosen.length < count; attempt++) {
    const start = chooseStart(index, coverage, failures, maxTools === 1, random);
    if (start === undefined) break;
    const grown = growSubDag(index, coverage, start, sizeFor(index, start, maxTools, random), pickIntent(random), random);
    const subDag = toSubDag(index, grown, chosen.length);
    if (keys.has(subDag.key)) {
      failures[start] = (failures[start] ?? 0) + 1;
      continue;
    }
    keys.add(subDag.key);
    chosen.push(subDag);
    for (const tool of grown.tools) coverage.addTool(tool);
    for (const arc of grown.arcs) coverage.addArc(arc);
  }
  return chosen;
}

function checkedOptions(options: SampleOptions): { count: number; seed: number; maxTools: number } {
  const maxTools = options.maxTools ?? DEFAULT_MAX_TOOLS;
  if (!Number.isInteger(options.count) || options.count < 0) throw new SamplingOptionsError('count', `count must be a whole number ≥ 0, got ${options.count}`);
  if (!Number.isInteger(options.seed)) throw new SamplingOptionsError('seed', `seed must be a whole number, got ${options.seed}`);
  if (!Number.isInteger(maxTools) || maxTools < 1) throw new SamplingOptionsError('maxTools', `maxTools must be a whole number ≥ 1, got ${maxTools}`);
  return { count: options.count, seed: options.seed, maxTools };
}

/** The best start by (novelty, tier), drawn at random among equals; undefined once every start is used up. */
function chooseStart(index: SamplingIndex, coverage: Coverage, failures: number[], alone: boolean, random: Random): number | undefined {
  let best: number[] = [];
  let bestRank = -1;
  for (let tool = 0; tool < index.tools.length; tool++) {
    if ((failures[tool] ?? 0) >= FAILURES_PER_START) continue;
    const rank = coverage.novelty(tool, alone) * 4 + (index.tier[tool] ?? 0);
    if (rank > bestRank) {
      bestRank = rank;
      best = [tool];
    } else if (rank === bestRank) {
      best.push(tool);
    }
  }
  return best[Math.floor(random() * best.length)];
}

/**
 * Two tools or more for a start with edges, smaller sizes likelier (weights maxTools…2 for sizes
 * 2…maxTools): the paper's tasks average about three calls.
 */
function sizeFor(index: SamplingIndex, start: number, maxTools: number, random: Random): number {
  const connected = (index.out[start]?.length ?? 0) + (index.in[start]?.length ?? 0) > 0;
  if (!connected || maxTools === 1) return 1;
  const sizes = Array.from({ length: maxTools - 1 }, (_v, i) => i + 2);
  return sizes[weightedIndex(random, sizes.map((size) => maxTools - size + 1))] ?? 2;
}

function pickIntent(random: Random): ShapeIntent {
  return INTENTS[weightedIndex(random, INTENT_WEIGHTS)] ?? 'mixed';
}

function toSubDag(index: SamplingIndex, grown: GrownSubDag, position: number): SubDag {
  const order = topologicalOrder(grown, index.destructive);
  const rank = new Map(order.map((tool, i) => [tool, i]));
  const arcs = [...grown.arcs].sort((a, b) => (rank.get(a.from) ?? 0) - (rank.get(b.from) ?? 0) || (rank.get(a.to) ?? 0) - (rank.get(b.to) ?? 0));
  const tools = order.map((tool) => index.tools[tool] ?? '');
  const edges = arcs.map(({ edge }) => ({ from: edge.from, to: edge.to, confidence: edge.confidence, mappings: edge.mappings.map((m) => ({ ...m })) }));
  return { index: position, key: subDagKey(tools, edges), tools, edges, shape: subDagShape(tools.length, edges) };
}

/**
 * Kahn's algorithm. Among tools ready at the same time, destructive ones go last (a delete run
 * early would remove what later calls read), then the order tools were added in: deterministic.
 */
function topologicalOrder({ tools, arcs }: GrownSubDag, destructive: readonly boolean[]): number[] {
  const indegree = new Map(tools.map((tool) => [tool, 0]));
  for (const arc of arcs) indegree.set(arc.to, (indegree.get(arc.to) ?? 0) + 1);
  const order: number[] = [];
  const placed = new Set<number>();
  while (order.length < tools.length) {
    const ready = tools.filter((tool) => !placed.has(tool) && indegree.get(tool) === 0);
    const next = ready.find((tool) => destructive[tool] !== true) ?? ready[0];
    // Unreachable for a grown tree, which has no cycle; guards the loop all the same.
    if (next === undefined) break;
    order.push(next);
    placed.add(next);
    for (const arc of arcs) if (arc.from === next) indegree.set(arc.to, (indegree.get(arc.to) ?? 0) - 1);
  }
  return order;
}
