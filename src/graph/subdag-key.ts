import type { SubDag } from '../domain.js';

/**
 * Identities and shapes of edges and sub-DAGs. Free of runtime imports so that workflow code can use them
 * (graphology must never reach the workflow bundle).
 */

/** The identity of an edge, as `explored.edges` lists it. */
export function edgeId(from: string, to: string): string {
  return `${from} -> ${to}`;
}

/** The same tools joined by the same edges give the same key, whatever order they were chosen in. */
export function subDagKey(tools: readonly string[], edges: ReadonlyArray<{ from: string; to: string }>): string {
  const sortedTools = [...tools].sort();
  const sortedEdges = edges.map((e) => edgeId(e.from, e.to)).sort();
  return `${sortedTools.join(', ')} | ${sortedEdges.join(', ')}`;
}

/** The shape of a sub-DAG, read from its edges: one tool; a path; one source spreading out; several sources meeting; or both. */
export function subDagShape(toolCount: number, edges: ReadonlyArray<{ from: string; to: string }>): SubDag['shape'] {
  if (toolCount <= 1) return 'single';
  const outDegree = new Map<string, number>();
  const inDegree = new Map<string, number>();
  for (const { from, to } of edges) {
    outDegree.set(from, (outDegree.get(from) ?? 0) + 1);
    inDegree.set(to, (inDegree.get(to) ?? 0) + 1);
  }
  const fansOut = [...outDegree.values()].some((d) => d > 1);
  const fansIn = [...inDegree.values()].some((d) => d > 1);
  if (fansOut && fansIn) return 'mixed';
  if (fansOut) return 'fan-out';
  if (fansIn) return 'fan-in';
  return 'chain';
}
