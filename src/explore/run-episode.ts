import type { SubDag } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { EpisodeRecorder, summarize, type EpisodeIo, type EpisodePlan, type EpisodeSummary } from './episode-recorder.js';
import type { IncomingMapping, Planner } from './planner.js';

export {
  SessionLostError,
  summarize,
  type EpisodeCheckpoint,
  type EpisodePlan,
  type EpisodeSession,
  type EpisodeSummary,
} from './episode-recorder.js';

export interface EpisodeDeps extends EpisodeIo {
  planner: Planner;
}

/**
 * Runs one episode: the spec's setup calls, then one planned call per sub-DAG tool, each recorded
 * before the next starts (see EpisodeRecorder). Steps already in the store (an earlier attempt that
 * crashed) are skipped, and the sandbox they changed is kept (as it was before the call that was
 * cut off), so a retry continues where the last attempt stopped.
 *
 * Planning reads this attempt's real outputs, so a value passed on reaches the server intact, while
 * the store gets it redacted. A retry plans from the stored, redacted outputs, so a secret that fed
 * a later step is sent as its marker then: a wrong call, recorded as what it was, never a leak.
 */
export async function runEpisode(plan: EpisodePlan, deps: EpisodeDeps): Promise<EpisodeSummary> {
  const recorded = await deps.store.listCalls(plan.runId, plan.subDagIndex);
  const steps = plan.setup.length + plan.subDag.tools.length;
  if (recorded.length >= steps) return summarize(recorded);
  const recorder = await EpisodeRecorder.open(plan, deps, recorded.length);
  try {
    await recorder.setup(recorded.length, recorded);
    for (let step = recorded.length; step < steps; step++) {
      const tool = plan.subDag.tools[step - plan.setup.length]!;
      const planned = await deps.planner.planCall({
        tool,
        description: plan.tools.get(tool)?.description ?? '',
        inputSchema: plan.tools.get(tool)?.inputSchema ?? { type: 'object' },
        incoming: incomingMappings(plan.subDag, tool),
        earlier: recorded.filter((c) => c.phase === 'explore').map((c) => ({
          step: c.step, tool: c.tool, output: outputValue(c.result), isError: c.isError,
        })),
        hints: plan.hints,
        seed: `${plan.seed}/${plan.subDagIndex}/${step}`,
      });
      const ran = await recorder.run({ step, phase: 'explore', tool, arguments: planned.arguments, links: planned.links, planner: deps.planner.name });
      recorded.push(ran.executed);
    }
  } finally {
    await recorder.close();
  }
  return summarize(recorded);
}

function incomingMappings(subDag: SubDag, tool: string): IncomingMapping[] {
  return subDag.edges.filter((e) => e.to === tool).flatMap((e) => e.mappings.map((m) => ({ ...m, from: e.from })));
}
