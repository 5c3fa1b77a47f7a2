import type { Random } from '../random.js';
import type { Arc, Coverage, SamplingIndex } from './sampling-index.js';

/** The shape growth aims for; the shape a sub-DAG gets is read from its edges afterwards. */
export type ShapeIntent = 'chain' | 'fan-out' | 'fan-in' | 'mixed';

/** A connected tree of tools (each added tool brings exactly one edge), hence always acyclic. */
export interface GrownSubDag {
  tools: number[];
  arcs: Arc[];
}

/** Moves that do not fit the intended shape stay possible, just rare, so growth never stalls on shape alone. */
const OFF_SHAPE = 0.05;

interface Move {
  arc: Arc;
  /** The tool the move adds. */
  tool: number;
  /** Along the edge (adds a successor) or against it (adds a predecessor). */
  forward: boolean;
}

/**
 * Grows a sub-DAG from `start` up to `size` tools, one edge at a time, in either direction.
 * Coverage comes first: a move that reaches a new tool beats all others, then one over a new
 * edge; among those, edges are drawn by confidence weight and fit with the intended shape.
 */
export function growSubDag(index: SamplingIndex, coverage: Coverage, start: number, size: number, intent: ShapeIntent, random: Random): GrownSubDag {
  const tools = [start];
  const arcs: Arc[] = [];
  const members = new Set(tools);
  // Chain ends, and the tool a fan-in converges on once it is known.
  let head = start;
  let tail = start;
  let sink: number | undefined;

  const fits = ({ arc, forward }: Move): boolean => {
    switch (intent) {
      case 'chain':
        return forward ? arc.from === tail : arc.to === head;
      case 'fan-out':
        return forward && arc.from === start;
      case 'fan-in':
        if (sink === undefined) return forward ? arc.from === start : arc.to === start;
        return !forward && arc.to === sink;
      case 'mixed':
        return true;
    }
  };

  while (tools.length < size) {
    const moves: Move[] = [];
    for (const member of tools) {
      for (const arc of index.out[member] ?? []) if (!members.has(arc.to)) moves.push({ arc, tool: arc.to, forward: true });
      for (const arc of index.in[member] ?? []) if (!members.has(arc.from)) moves.push({ arc, tool: arc.from, forward: false });
    }
    const pool = firstNonEmpty(
      moves.filter((m) => !coverage.hasTool(m.tool)),
      moves.filter((m) => !coverage.hasArc(m.arc)),
      moves,
    );
    const move = pool[weightedIndex(random, pool.map((m) => m.arc.weight * (fits(m) ? 1 : OFF_SHAPE)))];
    if (!move) break;

    if (intent === 'fan-in' && sink === undefined) sink = move.forward ? move.tool : start;
    if (move.forward && move.arc.from === tail) tail = move.tool;
    if (!move.forward && move.arc.to === head) head = move.tool;
    tools.push(move.tool);
    members.add(move.tool);
    arcs.push(move.arc);
  }
  return { tools, arcs };
}

function firstNonEmpty<T>(...lists: T[][]): T[] {
  return lists.find((list) => list.length > 0) ?? [];
}

/** An index drawn with probability proportional to its weight; -1 when there is nothing to draw. */
export function weightedIndex(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (weights.length === 0 || total <= 0) return -1;
  let threshold = random() * total;
  for (let i = 0; i < weights.length; i++) {
    threshold -= weights[i] ?? 0;
    if (threshold < 0) return i;
  }
  return weights.length - 1;
}
