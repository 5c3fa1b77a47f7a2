import { rm } from 'node:fs/promises';
import { setupFailed } from '../src/explore/episode-recorder.js';
import { repeatCalls, type RepeatableStep } from '../src/explore/reexecute.js';
import { prepareSandbox } from '../src/mcp/sandbox.js';
import { resolveArguments } from '../src/mcp/resolve.js';
import { openSession } from '../src/mcp/session.js';
import type { ServerSpec } from '../src/mcp/spec.js';
import { guardSession } from '../src/policy/guarded-session.js';
import { specRedactor } from '../src/secrets/spec-secrets.js';
import type { LiveRepeat, RunRecord } from '../src/store/store.js';
import type { DiscoveredTool } from '../src/domain.js';
import type { ActivityDeps } from './deps.js';
import { runPolicy } from './run-policy.js';

/** The server connection dropped or a call hung during a repeat: the round is made again from the start, on a fresh instance. */
export class RepeatLostError extends Error {
  override readonly name = 'RepeatLostError';
}

/**
 * Makes a recorded call sequence again on a fresh live instance of the run's server (a new sandbox,
 * the spec's setup calls), stored as round `round` of `subject`: `repeat(subject, round, steps,
 * notBefore)`. A round already stored is read back, not made again, so a retried activity repeats
 * only the rounds it had not finished; and as many tasks are checked at once, two asking for the same
 * round at the same moment wait for one execution rather than race on its sandbox.
 */
export function liveRepeater(deps: ActivityDeps, run: RunRecord, spec: ServerSpec) {
  const redactor = specRedactor(spec, deps.env);
  const policy = runPolicy(run);
  let tools: Promise<Map<string, DiscoveredTool>> | undefined;
  const inFlight = new Map<string, Promise<LiveRepeat>>();

  const execute = async (subject: string, round: number, steps: readonly RepeatableStep[], notBefore: number, launched: ServerSpec): Promise<LiveRepeat> => {
    const stored = await deps.store.getLiveRepeat(run.runId, subject, round);
    if (stored) return stored;
    const wait = notBefore - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    tools ??= deps.store.listTools(run.runId).then((listed) => new Map(listed.map((t) => [t.name, t])));
    const sandboxDir = await prepareSandbox(deps.sandboxRoot, run.runId, `repeat-${subject}-${round}`.replace(/[^\w.-]/g, '-'), { reuse: false });
    const startedAtMs = Date.now();
    const session = guardSession(await openSession(launched, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env }), policy, await tools);
    try {
      for (const [i, call] of spec.setup.entries()) {
        const args = resolveArguments(call.arguments ?? {}, `server.setup[${i}].arguments`, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env });
        const outcome = await session.call(call.tool, args);
        if (outcome.errorKind === 'transport') throw new RepeatLostError(`the server connection was lost during setup call ${i} (${call.tool})`);
        if (outcome.isError) throw setupFailed(i, call.tool, redactor.redact(outcome.result));
      }
      const calls = await repeatCalls(steps, { session, sandboxDir }, redactor, spec.callTimeoutMs);
      // A lost connection or a hang says how the server process fared, not what the call does: the round is no observation.
      const lost = calls.find((c) => c.errorKind === 'transport' || c.errorKind === 'timeout');
      if (lost) throw new RepeatLostError(`${lost.tool} ${lost.errorKind === 'timeout' ? 'timed out' : 'lost its server connection'} while repeating ${subject} (round ${round})`);
      const repeat: LiveRepeat = { subject, round, startedAtMs, wallMs: Date.now() - startedAtMs, calls };
      await deps.store.saveLiveRepeat(run.runId, repeat);
      return repeat;
    } finally {
      await session.close();
      await rm(sandboxDir, { recursive: true, force: true });
    }
  };

  /** `launched`: the spec whose processes the round starts (the run's own, or one under a shifted clock). */
  return (subject: string, round: number, steps: readonly RepeatableStep[], notBefore = 0, launched: ServerSpec = spec): Promise<LiveRepeat> => {
    const key = `${subject}/${round}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = execute(subject, round, steps, notBefore, launched).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}
