import type { Confidence, ToolEdge } from '../domain.js';
import { edgeId } from './subdag-key.js';
import type { ToolGraph } from './tool-graph.js';

/** One edge of the graph, by node number: sampling touches edges millions of times on large graphs. */
export interface Arc {
  id: string;
  from: number;
  to: number;
  /** How strongly growth prefers this edge: medium and high edges far over low ones. */
  weight: number;
  edge: ToolEdge;
}

const WEIGHTS: Readonly<Record<Confidence, number>> = { high: 4, medium: 2, low: 0.25 };

/**
 * How good a start a tool is, best first: two or more high-confidence successors (where the
 * method starts), any successor, only predecessors, no edge at all (explored on its own).
 */
export type StartTier = 3 | 2 | 1 | 0;

/** The graph as arrays, built once per sampling call. */
export interface SamplingIndex {
  tools: string[];
  out: Arc[][];
  in: Arc[][];
  tier: StartTier[];
  /** Tools that declare `destructiveHint`: ordered after the others wherever the edges allow. */
  destructive: boolean[];
}

export function indexGraph(graph: ToolGraph): SamplingIndex {
  const tools = graph.nodes();
  const number = new Map(tools.map((tool, i) => [tool, i]));
  const out: Arc[][] = tools.map(() => []);
  const incoming: Arc[][] = tools.map(() => []);
  graph.forEachEdge((_key, edge, source, target) => {
    const from = number.get(source);
    const to = number.get(target);
    if (from === undefined || to === undefined) return;
    const arc: Arc = { id: edgeId(source, target), from, to, weight: WEIGHTS[edge.confidence], edge };
    out[from]?.push(arc);
    incoming[to]?.push(arc);
  });
  const tier = tools.map((_tool, i): StartTier => {
    const successors = out[i] ?? [];
    if (successors.filter((arc) => arc.edge.confidence === 'high').length >= 2) return 3;
    if (successors.length > 0) return 2;
    return (incoming[i]?.length ?? 0) > 0 ? 1 : 0;
  });
  const destructive = tools.map((tool) => graph.getNodeAttributes(tool).annotations?.destructiveHint === true);
  return { tools, out, in: incoming, tier, destructive };
}

/**
 * Which tools and edges are explored already (before this call, or by a sub-DAG it chose), with
 * per-tool counters kept up to date so that "is there anything new next to this tool?" is O(1).
 */
export class Coverage {
  private readonly toolSeen: boolean[];
  private readonly arcSeen = new Set<string>();
  /** Per tool: incident edges whose other end is not covered yet. */
  private readonly towardNewTools: number[];
  /** Per tool: incident edges not covered yet. */
  private readonly newArcs: number[];

  constructor(private readonly index: SamplingIndex) {
    this.toolSeen = index.tools.map(() => false);
    this.towardNewTools = index.tools.map((_t, i) => (index.out[i]?.length ?? 0) + (index.in[i]?.length ?? 0));
    this.newArcs = [...this.towardNewTools];
  }

  hasTool(tool: number): boolean {
    return this.toolSeen[tool] === true;
  }

  hasArc(arc: Arc): boolean {
    return this.arcSeen.has(arc.id);
  }

  addTool(tool: number): void {
    if (this.toolSeen[tool] !== false) return;
    this.toolSeen[tool] = true;
    for (const arc of this.index.out[tool] ?? []) this.decrement(this.towardNewTools, arc.to);
    for (const arc of this.index.in[tool] ?? []) this.decrement(this.towardNewTools, arc.from);
  }

  addArc(arc: Arc): void {
    if (this.arcSeen.has(arc.id)) return;
    this.arcSeen.add(arc.id);
    this.decrement(this.newArcs, arc.from);
    this.decrement(this.newArcs, arc.to);
  }

  /**
   * 2: the tool is new, or one step from a new tool; 1: one of its edges is new; 0: nothing new
   * around it. With `alone`, sub-DAGs are single tools and only the tool itself counts.
   */
  novelty(tool: number, alone: boolean): 0 | 1 | 2 {
    if (!this.hasTool(tool)) return 2;
    if (alone) return 0;
    if ((this.towardNewTools[tool] ?? 0) > 0) return 2;
    return (this.newArcs[tool] ?? 0) > 0 ? 1 : 0;
  }

  private decrement(counters: number[], tool: number): void {
    counters[tool] = (counters[tool] ?? 0) - 1;
  }
}
