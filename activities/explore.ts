import type { EpisodeSummary } from '../src/explore/run-episode.js';
import type { ExploreSubDagInput } from '../src/api.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { runRecordedEpisode } from './recorded-episode.js';
import { loadRun } from './run-context.js';

/** Explores one sub-DAG on a fresh, sandboxed server instance, recording every call. */
export function exploreEpisodeActivity(deps: ActivityDeps) {
  return async function exploreEpisode(input: ExploreSubDagInput): Promise<EpisodeSummary> {
    return withFailureMapping(async () => {
      const finished = await deps.store.getEpisode(input.runId, input.subDagIndex);
      if (finished?.status === 'done') return { calls: finished.calls, errors: finished.errors, linkedCalls: finished.linkedCalls };
      const { run, spec } = await loadRun(deps, input.runId);
      const subDag = await deps.store.getSubDag(input.runId, input.subDagIndex);
      if (!subDag) throw new Error(`sub-DAG ${input.subDagIndex} of run ${input.runId} is not in the store: run the sampling stage first`);
      return runRecordedEpisode(deps, run, spec, subDag);
    });
  };
}
