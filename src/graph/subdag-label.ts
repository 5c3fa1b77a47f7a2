import type { SubDag } from '../domain.js';

const MAX_LENGTH = 160;

/**
 * How a sub-DAG reads to a person, e.g. in the Web UI: a chain as `read_graph → open_nodes`, any
 * other shape as its edges (`a → b, a → c`), a single tool as its name.
 */
export function subDagLabel(subDag: Pick<SubDag, 'tools' | 'edges'>): string {
  const { tools, edges } = subDag;
  const isChain = edges.length === tools.length - 1 && edges.every((e) => tools.indexOf(e.to) === tools.indexOf(e.from) + 1);
  const label = isChain || edges.length === 0 ? tools.join(isChain ? ' → ' : ', ') : edges.map((e) => `${e.from} → ${e.to}`).join(', ');
  return label.length > MAX_LENGTH ? `${label.slice(0, MAX_LENGTH - 1)}…` : label;
}
