import type { CallErrorKind, CallLink, CallPhase, JsonObject, JsonValue, RecordedCall, SubDag, ToolDefinition } from '../domain.js';
import type { Store } from '../store/store.js';
import { redactCall } from '../secrets/redact-call.js';
import { patternRedactor, type Redactor } from '../secrets/redactor.js';
import { changesState } from '../simulator/state.js';
import { SpecError } from '../mcp/errors.js';
import { outputValue } from '../mcp/output.js';
import { withPlaceholder, withSandbox } from './sandbox-paths.js';

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

/** What running and recording calls needs, whichever driver decides the calls. */
export interface EpisodeIo {
  store: Store;
  /**
   * Opens the server on the episode's sandbox; `resumed` puts back the state the calls before step
   * `nextStep` left (from the latest snapshotSandbox at or before that step).
   */
  openSession(resumed: boolean, nextStep: number): Promise<{ session: EpisodeSession; sandboxDir: string }>;
  /**
   * Keeps the sandbox as it is before step `nextStep`, for openSession(true, nextStep) to put back: the
   * server may run a call whose reply is then lost, and asking it again must not apply it twice.
   */
  snapshotSandbox?(sandboxDir: string, nextStep: number): Promise<void>;
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

/** One call to make and record. */
export interface StepCall {
  step: number;
  phase: CallPhase;
  tool: string;
  /**
   * The arguments as recorded: sandbox paths as `${sandbox}` for exploration calls, the spec's own
   * placeholders for setup calls. The live call gets them resolved for this sandbox.
   */
  arguments: JsonObject;
  links: CallLink[];
  planner: string;
}

export interface RanCall {
  /** The call as it crossed the wire, sandbox paths as placeholders: what a planner may read. */
  executed: RecordedCall;
  /** The call as the store keeps it (redacted): what anything outside this process may see. */
  stored: RecordedCall;
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
 * Makes an episode's calls on its live server and records each before the next starts, the same
 * way for every driver (setup, the offline planner, an LLM explorer): the sandbox is snapshotted
 * after a call that may change it, a timed-out call is asked once more on a fresh process, a lost
 * connection fails the attempt (SessionLostError) so that a retry resumes at that step, and a call
 * that timed out every time leaves the sandbox as it was before it.
 *
 * The store gets every call redacted (arguments, result, link values). A string an output's patterns
 * flag is then redacted with the same marker wherever it is recorded next (an argument under an
 * innocent name, a link), which keeps the record consistent: a replayed link finds the marker it
 * carries at its source.
 */
export class EpisodeRecorder {
  private constructor(
    private readonly plan: EpisodePlan,
    private readonly io: EpisodeIo,
    private session: EpisodeSession,
    private sandboxDir: string,
    private redactor: Redactor,
  ) {}

  /** Opens the episode's server, on the state earlier attempts left when `nextStep` > 0. */
  static async open(plan: EpisodePlan, io: EpisodeIo, nextStep: number): Promise<EpisodeRecorder> {
    const { session, sandboxDir } = await io.openSession(nextStep > 0, nextStep);
    return new EpisodeRecorder(plan, io, session, sandboxDir, io.redactor ?? patternRedactor);
  }

  /** Redacts text the way recorded calls are redacted at this point of the episode. */
  redactText(text: string): string {
    return this.redactor.redactText(text);
  }

  /** Redacts a value the way recorded calls are redacted at this point of the episode. */
  redact<T extends JsonValue>(value: T): T {
    return this.redactor.redact(value);
  }

  /** The spec's setup calls not yet recorded, from step `from`; each is pushed onto `recorded` as executed. */
  async setup(from: number, recorded: RecordedCall[], keep: (ran: RanCall) => RecordedCall = (ran) => ran.executed): Promise<void> {
    for (let step = from; step < this.plan.setup.length; step++) {
      const { tool, arguments: args } = this.plan.setup[step]!;
      const ran = await this.run({ step, phase: 'setup', tool, arguments: args ?? {}, links: [], planner: 'setup' });
      // Recorded, so the server's reply stays in the store; an episode on an unseeded sandbox would record nothing true.
      if (ran.stored.isError) throw setupFailed(step, tool, ran.stored.result);
      recorded.push(keep(ran));
    }
  }

  async run(call: StepCall): Promise<RanCall> {
    const { step, tool } = call;
    const live = call.phase === 'setup'
      ? this.io.resolveSetup(call.arguments, `server.setup[${step}].arguments`, this.sandboxDir)
      : withSandbox(call.arguments, this.sandboxDir);
    let outcome = await this.session.call(tool, live, { timeoutMs: this.plan.callTimeoutMs });
    for (let attempt = 1; outcome.errorKind === 'timeout' && attempt < CALL_ATTEMPTS_ON_TIMEOUT; attempt++) {
      // A server that let a call time out may be wedged: ask again on a fresh process with the same state,
      // so that a passing hang costs a retry, not a wrong record.
      await this.reopen(step);
      outcome = await this.session.call(tool, live, { timeoutMs: this.plan.callTimeoutMs });
    }
    if (outcome.errorKind === 'transport') throw new SessionLostError(tool, step, this.redactor.redactText(JSON.stringify(outcome.result)));
    // Read-only calls leave the sandbox as it is: only a call that may change it needs a snapshot after it.
    // Taken before the call is recorded, so a crash in between resumes at this step on the snapshot before it.
    if (outcome.errorKind !== 'timeout' && changesState(this.plan.tools.get(tool))) await this.io.snapshotSandbox?.(this.sandboxDir, step + 1);
    const executed: RecordedCall = {
      runId: this.plan.runId,
      subDagIndex: this.plan.subDagIndex,
      step,
      phase: call.phase,
      tool,
      arguments: call.arguments,
      result: withPlaceholder(outcome.result, this.sandboxDir),
      isError: outcome.isError,
      ...(outcome.errorKind ? { errorKind: outcome.errorKind } : {}),
      latencyMs: outcome.latencyMs,
      links: call.links,
      planner: call.planner,
    };
    const stored = redactCall(executed, this.redactor);
    await this.io.store.recordCall(stored);
    this.redactor = this.redactor.with(this.redactor.find(executed.result));
    this.io.onRecorded?.({ nextStep: step + 1 });
    // The call timed out every time: it is recorded as failed, so the sandbox goes back to how it was
    // before it (whatever the hung call wrote must not show in later steps), on a fresh process.
    if (outcome.errorKind === 'timeout') await this.reopen(step);
    return { executed, stored };
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private async reopen(step: number): Promise<void> {
    await this.session.close();
    ({ session: this.session, sandboxDir: this.sandboxDir } = await this.io.openSession(true, step));
  }
}

/** A setup call the server refused: only editing the spec (or the seed data) can fix it. */
export function setupFailed(step: number, tool: string, result: JsonValue): SpecError {
  const field = `server.setup[${step}]`;
  const reply = JSON.stringify(outputValue(result))?.slice(0, 300) ?? 'no reply';
  return new SpecError(field, `${field} (${tool}) failed on the server: ${reply}. Setup seeds every sandbox, so fix that call's arguments or remove it`);
}

export function summarize(calls: RecordedCall[]): EpisodeSummary {
  const explored = calls.filter((c) => c.phase === 'explore');
  return {
    calls: explored.length,
    errors: explored.filter((c) => c.isError).length,
    linkedCalls: explored.filter((c) => c.links.length > 0).length,
  };
}
