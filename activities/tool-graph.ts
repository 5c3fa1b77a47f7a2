import { candidatePairs } from '../src/graph/edge-judge.js';
import { PROBE_INDEX, probeRepeatSteps, probeSubDag, profileTools } from '../src/explore/probe.js';
import { CLOCK_TICK_MS, volatilePaths } from '../src/explore/volatile.js';
import { liveRepeater } from './live-repeat.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { runRecordedEpisode } from './recorded-episode.js';
import { loadRun } from './run-context.js';
import { reportedUsage } from './run-llm.js';
import { edgeJudgeOf } from './run-stages.js';
import type { RunUsage } from '../src/api.js';
import { crossesMembers } from '../src/mcp/composite-spec.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import type { CandidatePair } from '../src/graph/edge-judge.js';

export interface GraphCounts {
  edges: number;
  high: number;
  medium: number;
  low: number;
  /** The run's model spend so far; null when it has no models. */
  usage?: RunUsage | null;
}

/**
 * Builds the tool graph: probes every tool once in a sandbox (most tools declare no output schema,
 * so their real output is the only way to learn its fields), makes the probe's calls again on a
 * fresh sandbox to find the outputs that do not hold, then lets the judge decide the edges among
 * the pre-filtered candidate pairs.
 */
export function buildToolGraphActivity(deps: ActivityDeps) {
  return async function buildToolGraph(input: { runId: string; seed: number }): Promise<GraphCounts> {
    // The judge's requests run after the probe's episode: the activity heartbeats throughout.
    return withFailureMapping(() => whileHeartbeating(async () => {
      const { run, spec } = await loadRun(deps, input.runId);
      const tools = await deps.store.listTools(input.runId);
      const probed = await deps.store.getEpisode(input.runId, PROBE_INDEX);
      if (probed?.status !== 'done') await runRecordedEpisode(deps, run, spec, probeSubDag(tools));
      const probeCalls = await deps.store.listCalls(input.runId, PROBE_INDEX);
      const explored = probeCalls.filter((c) => c.phase === 'explore');
      // The same calls once more on a fresh sandbox, a clock tick later: what changed is volatile.
      const again = await liveRepeater(deps, run, spec)('probe', 1, probeRepeatSteps(probeCalls), Date.now() + CLOCK_TICK_MS);
      const volatile = volatilePaths(explored.map((call, i) => ({ tool: call.tool, first: call, again: again.calls[i]! })));
      const profiles = profileTools(tools, probeCalls, volatile);
      const edges = await edgeJudgeOf(deps, run).judge(judgedPairs(spec, candidatePairs(profiles)));
      await deps.store.saveProfiles(input.runId, profiles);
      await deps.store.saveEdges(input.runId, edges);
      const count = (confidence: string) => edges.filter((e) => e.confidence === confidence).length;
      return { edges: edges.length, high: count('high'), medium: count('medium'), low: count('low'), usage: await reportedUsage(deps, run) };
    }));
  };
}

/** A composite's own edges are those between its members: each member's run has its edges already. */
function judgedPairs(spec: ServerSpec, pairs: CandidatePair[]): CandidatePair[] {
  return spec.transport === 'composite' ? pairs.filter((pair) => crossesMembers(spec, pair.source.name, pair.target.name)) : pairs;
}
