import { buildToolGraph } from '../src/graph/tool-graph.js';
import { sampleSubDags as sample } from '../src/graph/sample-subdags.js';
import type { ActivityDeps } from './deps.js';

/**
 * Chooses the run's sub-DAGs once: a run resumed or started again under the same ID finds them in
 * the store and keeps them, so its finished explorations stay valid.
 */
export function sampleSubDagsActivity(deps: ActivityDeps) {
  return async function sampleSubDags(input: { runId: string; count: number; seed: number }): Promise<{ total: number }> {
    const stored = await deps.store.listSubDags(input.runId);
    if (stored.length > 0) return { total: stored.length };
    const graph = buildToolGraph(await deps.store.listProfiles(input.runId), await deps.store.listEdges(input.runId));
    const subDags = sample(graph, { count: input.count, seed: input.seed });
    await deps.store.saveSubDags(input.runId, subDags);
    return { total: subDags.length };
  };
}
