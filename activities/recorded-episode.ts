import { Context } from '@temporalio/activity';
import type { SubDag } from '../src/domain.js';
import { runAgentEpisode } from '../src/explore/agent-episode.js';
import type { EpisodeIo, EpisodePlan } from '../src/explore/episode-recorder.js';
import { PROBE_INDEX } from '../src/explore/probe.js';
import { runEpisode, type EpisodeCheckpoint, type EpisodeSummary } from '../src/explore/run-episode.js';
import { prepareSandbox, restoreSandbox, snapshotSandbox, type SandboxOwner } from '../src/mcp/sandbox.js';
import { resolveArguments } from '../src/mcp/resolve.js';
import { openSession } from '../src/mcp/session.js';
import { guardSession } from '../src/policy/guarded-session.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import { specRedactor } from '../src/secrets/spec-secrets.js';
import type { RunRecord } from '../src/store/store.js';
import type { ActivityDeps } from './deps.js';
import { runLlmOf, type RunLlm } from './run-llm.js';
import { runPolicy } from './run-policy.js';
import { whileHeartbeating } from './heartbeat.js';


/**
 * Runs an episode inside an activity: a sandbox per (run, sub-DAG), snapshotted into the store after
 * every call that may change it, a heartbeat carrying the next step, and the episode marked done in the store once every call is recorded. A retry after a crash
 * resumes after the last recorded call: the store decides where; the heartbeat's checkpoint shows it
 * in the Web UI's pending activity and in the retry's log, and keeps the attempt alive.
 *
 * A run with models explores with its explore model (agent-episode.ts); an offline run, and the probe
 * of every run (one call of each tool, the same in every run), with the deterministic planner.
 */
export async function runRecordedEpisode(
  deps: ActivityDeps,
  run: RunRecord,
  spec: ServerSpec,
  subDag: SubDag,
): Promise<EpisodeSummary> {
  const { runId } = run;
  const context = Context.current();
  let checkpoint: EpisodeCheckpoint = context.info.heartbeatDetails ?? { nextStep: 0 };
  if (context.info.attempt > 1) context.log.info('resuming episode', { subDagIndex: subDag.index, ...checkpoint });
  return whileHeartbeating(async () => {
    const tools = new Map((await deps.store.listTools(runId)).map((t) => [t.name, t]));
    const plan: EpisodePlan = {
      runId,
      subDagIndex: subDag.index,
      subDag,
      tools,
      setup: spec.setup ?? [],
      hints: spec.argumentHints ?? {},
      callTimeoutMs: spec.callTimeoutMs,
      // The run's seed, not its ID: two runs with the same seed plan the same calls.
      seed: String((run.options as { seed?: number }).seed ?? 1),
    };
    // Snapshots live in the store, so that a retry on another worker resumes on the same files.
    const owner: SandboxOwner = { store: deps.store, runId, subDagIndex: subDag.index };
    const io: EpisodeIo = {
      store: deps.store,
      redactor: specRedactor(spec, deps.env),
      openSession: async (resumed, nextStep) => {
        const sandboxDir = await prepareSandbox(deps.sandboxRoot, runId, episodeKey(subDag.index), { reuse: false });
        if (resumed) await restoreSandbox(owner, sandboxDir, nextStep);
        // Every call of the episode (setup, probe, exploration) goes through the run's tool policy.
        const session = guardSession(await openSession(spec, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env }), runPolicy(run), tools);
        return { session, sandboxDir };
      },
      snapshotSandbox: (sandboxDir, nextStep) => snapshotSandbox(owner, sandboxDir, nextStep),
      resolveSetup: (args, field, sandboxDir) => resolveArguments(args, field, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env }),
      onRecorded: (next) => {
        checkpoint = next;
        context.heartbeat(next);
      },
    };
    const llm = subDag.index === PROBE_INDEX ? undefined : runLlmOf(deps, run);
    const summary = llm ? await exploreWithModel(llm, run, plan, io) : await runEpisode(plan, { ...io, planner: deps.planner });
    await deps.store.saveEpisode({ runId, subDagIndex: subDag.index, status: 'done', planner: llm ? run.planner : deps.planner.name, ...summary });
    return summary;
  }, () => checkpoint);
}

/**
 * The model's episode. Its malformed calls are kept as rejections, one per turn of the conversation.
 * A conversation that ends on too many malformed calls is a finding when it recorded any exploration
 * call, and the episode is done with what it has; when it recorded none, ExplorationStalledError
 * (retryable) lets Temporal ask the model afresh, within the activity's retry policy. Model errors
 * (LlmError, MalformedOutputError) propagate: failures.ts maps them to Temporal failures.
 */
async function exploreWithModel(llm: RunLlm, run: RunRecord, plan: EpisodePlan, io: EpisodeIo): Promise<EpisodeSummary> {
  const context = Context.current();
  const { summary, stopped, covered } = await runAgentEpisode(plan, {
    ...io,
    client: llm.client('explore'),
    planner: run.planner,
    onMalformed: (call) =>
      llm.reject('explore', `${episodeKey(plan.subDagIndex)}/turn-${call.turn}`, call.reason, {
        raw: call.raw,
        message: call.message,
        ...(call.toolName === undefined ? {} : { toolName: call.toolName }),
      }),
    signal: context.cancellationSignal,
  });
  context.log.info('episode explored', { subDagIndex: plan.subDagIndex, stopped, covered, ...summary });
  return summary;
}

/** The probe episode that learns the tools' outputs has index -1; sub-DAGs count from 0. */
function episodeKey(index: number): string {
  return index < 0 ? 'probe' : `sub-dag-${index}`;
}
