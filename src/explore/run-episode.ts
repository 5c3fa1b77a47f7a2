import type { CallErrorKind, JsonObject, JsonValue, RecordedCall, SubDag, ToolDefinition } from '../domain.js';
import type { Store } from '../store/store.js';
import { outputValue } from '../mcp/output.js';
import { redactCall } from '../secrets/redact-call.js';
import { patternRedactor, type Redactor } from '../secrets/redactor.js';
import type { IncomingMapping, Planner } from './planner.js';
import { withPlaceholder, withSandbox } from './sandbox-paths.js';
import { changesState } from '../simulator/state.js';

/** What the episode needs of a live server connection (see mcp/session.ts). */
export interface EpisodeSession {
  call(tool: string, args: JsonObject, options?: { timeoutMs?: number }): Promise<{
    result: JsonValue;
    isError: boolean;
    errorKind?: CallErrorKind;
    latencyMs: number;
  }>;
  close(): Promise<void>;
}

export interface EpisodePlan {
  runId: string;
  subDagIndex: number;
  subDag: SubDag;
  tools: ReadonlyMap<string, ToolDefinition>;
  setup: ReadonlyArray<{ tool: string; arguments?: JsonObject }>;
  hints: Record<string, JsonValue[]>;
  callTimeoutMs: number;
  seed: string;
}

export interface EpisodeDeps {
  store: Store;
  planner: Planner;
  /**
   * Opens the server on the episode's sandbox; `resumed` keeps the state earlier calls left there, as it
   * was before step `nextStep`'s call if a checkpoint of that step was taken (see checkpointSandbox).
   */
  openSession(resumed: boolean, nextStep: number): Promise<{ session: EpisodeSession; sandboxDir: string }>;
  /**
   * Keeps the sandbox as it is before step `step`'s call, for openSession(true, step) to put back: the
   * server may run a call whose reply is then lost, and asking it again must not apply it twice.
   */
  checkpointSandbox?(sandboxDir: string, step: number): Promise<void>;
  /** Resolves the spec's placeholders in a setup call's arguments for the given sandbox. */
  resolveSetup(args: JsonObject, field: string, sandboxDir: string): JsonObject;
  /** Redacts the run's secrets from what is recorded; without one, only token-shaped strings are. */
  redactor?: Redactor;
  /** Called after every recorded call: the activity turns it into a heartbeat with this checkpoint. */
  onRecorded?(checkpoint: EpisodeCheckpoint): void;
}

export interface EpisodeCheckpoint {
  nextStep: number;
}

export interface EpisodeSummary {
  calls: number;
  errors: number;
  linkedCalls: number;
}

/** A call that timed out is asked once more on a fresh server process before its timeout is recorded. */
const CALL_ATTEMPTS_ON_TIMEOUT = 2;

/** The server connection dropped mid-call: retrying the episode resumes at this step on a new process. */
export class SessionLostError extends Error {
  override readonly name = 'SessionLostError';
  constructor(readonly tool: string, readonly step: number, detail: string) {
    super(`the server connection was lost while calling ${tool} (step ${step}): ${detail}`);
  }
}

/**
 * Runs one episode: the spec's setup calls, then one planned call per sub-DAG tool, each recorded
 * before the next starts. Steps already in the store (an earlier attempt that crashed) are skipped,
 * and the sandbox they changed is kept (as it was before the call that was cut off), so a retry
 * continues where the last attempt stopped.
 *
 * The store gets every call redacted (arguments, result, link values), while planning reads this
 * attempt's real outputs, so a value passed on reaches the server intact. A string an output's
 * patterns flag is then redacted with the same marker wherever it is recorded next (an argument
 * under an innocent name, a link), which keeps the record consistent: a replayed link finds the
 * marker it carries at its source. A retry plans from the stored, redacted outputs, so a secret
 * that fed a later step is sent as its marker then: a wrong call, recorded as what it was, never a leak.
 */
export async function runEpisode(plan: EpisodePlan, deps: EpisodeDeps): Promise<EpisodeSummary> {
  const recorded = await deps.store.listCalls(plan.runId, plan.subDagIndex);
  const steps = [
    ...plan.setup.map((call) => ({ phase: 'setup' as const, tool: call.tool, fixed: call.arguments ?? {} })),
    ...plan.subDag.tools.map((tool) => ({ phase: 'explore' as const, tool, fixed: undefined })),
  ];
  if (recorded.length >= steps.length) return summarize(recorded);
  let { session, sandboxDir } = await deps.openSession(recorded.length > 0, recorded.length);
  let redactor = deps.redactor ?? patternRedactor;
  try {
    for (let step = recorded.length; step < steps.length; step++) {
      const { phase, tool, fixed } = steps[step]!;
      const planned = fixed
        ? { arguments: fixed, links: [] }
        : await deps.planner.planCall({
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
      const live = fixed
        ? deps.resolveSetup(fixed, `server.setup[${step}].arguments`, sandboxDir)
        : withSandbox(planned.arguments, sandboxDir);
      // Read-only calls leave the sandbox as it is: only a call that may change it needs a copy to go back to.
      if (changesState(plan.tools.get(tool))) await deps.checkpointSandbox?.(sandboxDir, step);
      let outcome = await session.call(tool, live, { timeoutMs: plan.callTimeoutMs });
      for (let attempt = 1; outcome.errorKind === 'timeout' && attempt < CALL_ATTEMPTS_ON_TIMEOUT; attempt++) {
        // A server that let a call time out may be wedged: ask again on a fresh process with the same state,
        // so that a passing hang costs a retry, not a wrong record.
        await session.close();
        ({ session, sandboxDir } = await deps.openSession(true, step));
        outcome = await session.call(tool, live, { timeoutMs: plan.callTimeoutMs });
      }
      if (outcome.errorKind === 'transport') throw new SessionLostError(tool, step, redactor.redactText(JSON.stringify(outcome.result)));
      const call: RecordedCall = {
        runId: plan.runId,
        subDagIndex: plan.subDagIndex,
        step,
        phase,
        tool,
        arguments: planned.arguments,
        result: withPlaceholder(outcome.result, sandboxDir),
        isError: outcome.isError,
        ...(outcome.errorKind ? { errorKind: outcome.errorKind } : {}),
        latencyMs: outcome.latencyMs,
        links: planned.links,
        planner: fixed ? 'setup' : deps.planner.name,
      };
      await deps.store.recordCall(redactCall(call, redactor));
      recorded.push(call);
      redactor = redactor.with(redactor.find(call.result));
      deps.onRecorded?.({ nextStep: step + 1 });
      if (outcome.errorKind === 'timeout') {
        // The call timed out every time: it is recorded as failed, so the sandbox goes back to how it was
        // before it (whatever the hung call wrote must not show in later steps), on a fresh process.
        await session.close();
        ({ session, sandboxDir } = await deps.openSession(true, step));
      }
    }
  } finally {
    await session.close();
  }
  return summarize(recorded);
}

function incomingMappings(subDag: SubDag, tool: string): IncomingMapping[] {
  return subDag.edges.filter((e) => e.to === tool).flatMap((e) => e.mappings.map((m) => ({ ...m, from: e.from })));
}

export function summarize(calls: RecordedCall[]): EpisodeSummary {
  const explored = calls.filter((c) => c.phase === 'explore');
  return {
    calls: explored.length,
    errors: explored.filter((c) => c.isError).length,
    linkedCalls: explored.filter((c) => c.links.length > 0).length,
  };
}
