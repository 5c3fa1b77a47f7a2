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
}

/** What the store says is already explored: a resumed run starts from here instead of from scratch. */
export function explorationStatusActivity(deps: ActivityDeps) {
  return async function explorationStatus(input: { runId: string }): Promise<ExplorationStatus> {
    const total = (await deps.store.listSubDags(input.runId)).length;
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
    };
  };
}
