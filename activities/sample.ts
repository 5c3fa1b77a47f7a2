import { buildToolGraph } from '../src/graph/tool-graph.js';
import { sampleSubDags as sample } from '../src/graph/sample-subdags.js';
import { edgeId } from '../src/graph/subdag-key.js';
import type { ActivityDeps } from './deps.js';
import { loadRun } from './run-context.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import type { ToolEdge, ToolProfile } from '../src/domain.js';

/**
 * Chooses the run's sub-DAGs once: a run resumed or started again under the same ID finds them in
 * the store and keeps them, so its finished explorations stay valid. A run extended to a larger
 * count keeps every stored sub-DAG and adds new ones after them, chosen to cover what the stored
 * ones did not.
 */
export function sampleSubDagsActivity(deps: ActivityDeps) {
  return async function sampleSubDags(input: { runId: string; count: number; seed: number; extend?: boolean }): Promise<{ total: number }> {
    const stored = await deps.store.listSubDags(input.runId);
    // A graph may hold fewer distinct sub-DAGs than asked for: only an explicit extend samples again.
    if (stored.length > 0 && (stored.length >= input.count || !input.extend)) return { total: stored.length };
    const { spec } = await loadRun(deps, input.runId);
    const edges = await deps.store.listEdges(input.runId);
    const graph = buildToolGraph(sampledProfiles(spec, await deps.store.listProfiles(input.runId), edges), edges);
    if (stored.length === 0) {
      const subDags = sample(graph, { count: input.count, seed: input.seed });
      await deps.store.saveSubDags(input.runId, subDags);
      return { total: subDags.length };
    }
    const need = input.count - stored.length;
    const known = new Set(stored.map((s) => s.key));
    const explored = { tools: [...new Set(stored.flatMap((s) => s.tools))], edges: stored.flatMap((s) => s.edges.map((e) => edgeId(e.from, e.to))) };
    const more = sample(graph, { count: input.count, seed: input.seed + stored.length, explored })
      .filter((s) => !known.has(s.key))
      .slice(0, need)
      .map((s, i) => ({ ...s, index: stored.length + i }));
    await deps.store.saveSubDags(input.runId, more);
    return { total: stored.length + more.length };
  };
}

/**
 * A composite explores what crosses its members: a tool with no edge to another member's tool is
 * its own server's, explored by that server's run, so it is not sampled on its own here.
 */
function sampledProfiles(spec: ServerSpec, profiles: ToolProfile[], edges: ToolEdge[]): ToolProfile[] {
  if (spec.transport !== 'composite') return profiles;
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  return profiles.filter((p) => linked.has(p.name));
}
