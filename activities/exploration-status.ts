import { subDagLabel } from '../src/graph/subdag-label.js';
import type { SubDag } from '../src/domain.js';
import type { ActivityDeps } from './deps.js';

export interface ExplorationStatus {
  total: number;
  /** Indices of the sub-DAGs explored and synthesized: a sub-DAG explored but not yet synthesized is not done. */
  done: number[];
  /** Candidate tasks the done sub-DAGs yielded. */
  candidates: number;
  calls: number;
  linkedCalls: number;
  errors: number;
  /** What the next sub-DAGs to explore are (see `labelsFor`), by index, for their child workflows' summaries. */
  labels?: Record<number, string>;
}

/** Label the first `first` sub-DAGs neither done nor in `skip`: those this history may start. */
export interface LabelRequest {
  first: number;
  skip: number[];
}

/** What the store says is already explored: a resumed run starts from here instead of from scratch. */
export function explorationStatusActivity(deps: ActivityDeps) {
  return async function explorationStatus(input: { runId: string; labelsFor?: LabelRequest }): Promise<ExplorationStatus> {
    const subDags = await deps.store.listSubDags(input.runId);
    const total = subDags.length;
    const synthesized = await deps.store.listSynthesized(input.runId);
    const done = (await deps.store.listEpisodes(input.runId)).filter(
      (e) => e.status === 'done' && e.subDagIndex >= 0 && synthesized.has(e.subDagIndex),
    );
    return {
      total,
      done: done.map((e) => e.subDagIndex),
      candidates: done.reduce((sum, e) => sum + (synthesized.get(e.subDagIndex) ?? 0), 0),
      calls: done.reduce((sum, e) => sum + e.calls, 0),
      linkedCalls: done.reduce((sum, e) => sum + e.linkedCalls, 0),
      errors: done.reduce((sum, e) => sum + e.errors, 0),
      ...(input.labelsFor ? { labels: nextLabels(subDags, new Set([...done.map((e) => e.subDagIndex), ...input.labelsFor.skip]), input.labelsFor.first) } : {}),
    };
  };
}

function nextLabels(subDags: SubDag[], skip: Set<number>, first: number): Record<number, string> {
  const next = subDags.filter((s) => !skip.has(s.index)).sort((a, b) => a.index - b.index).slice(0, first);
  return Object.fromEntries(next.map((s) => [s.index, subDagLabel(s)]));
}
