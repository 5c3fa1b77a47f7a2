import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue, RecordedCall, TrajectoryStep } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import type { Redactor } from '../secrets/redactor.js';
import type { EpisodeSession } from './episode-recorder.js';
import { valuesAt, withValueAt } from './json-path.js';
import { withPlaceholder, withSandbox } from './sandbox-paths.js';

/** One call of a recorded sequence to make again: links point at earlier steps of the same sequence. */
export interface RepeatableStep {
  tool: string;
  /** As recorded: sandbox paths as `${sandbox}`. */
  arguments: JsonObject;
  links: ReadonlyArray<{ argument: string; fromStep: number; outputPath: string }>;
}

/** A task's reference trajectory as a sequence to make again. */
export function trajectorySteps(trajectory: readonly TrajectoryStep[]): RepeatableStep[] {
  return trajectory.map((step) => ({
    tool: step.tool,
    arguments: step.arguments,
    links: step.links.map((l) => ({ argument: l.argument, fromStep: l.fromTrajectoryStep, outputPath: l.outputPath })),
  }));
}

/** A short digest of a call sequence: tasks written from the same calls are made again once. */
export function stepsDigest(steps: readonly RepeatableStep[]): string {
  return createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 24);
}

/** A call made again, as the store keeps it: sandbox paths as `${sandbox}`, secrets redacted. */
export type RepeatedCallRecord = Pick<RecordedCall, 'tool' | 'arguments' | 'result' | 'isError' | 'errorKind' | 'latencyMs'>;

/** A fresh live instance of the server: its sandbox seeded by the spec's setup calls. */
export interface LiveInstance {
  session: EpisodeSession;
  sandboxDir: string;
}

/**
 * Makes a recorded call sequence again on a live instance. A linked argument takes its value from
 * this execution's own output of the earlier step (where that output has it), not from the
 * recording: an id the server generates anew is passed on as the server now gave it, the way an
 * agent would pass it.
 */
export async function repeatCalls(steps: readonly RepeatableStep[], instance: LiveInstance, redactor: Redactor, callTimeoutMs?: number): Promise<RepeatedCallRecord[]> {
  // Unredacted, in this process only: a secret the server returns is passed on intact, as in an episode.
  const live: JsonValue[] = [];
  const calls: RepeatedCallRecord[] = [];
  for (const step of steps) {
    let args: JsonValue = step.arguments;
    for (const link of step.links) {
      const found = valuesAt(live[link.fromStep] ?? null, link.outputPath)[0];
      if (found) args = withValueAt(args, link.argument, found.value);
    }
    const outcome = await instance.session.call(step.tool, withSandbox(args as JsonObject, instance.sandboxDir), callTimeoutMs === undefined ? {} : { timeoutMs: callTimeoutMs });
    const recorded = withPlaceholder(outcome.result, instance.sandboxDir);
    live.push(outputValue(recorded));
    const result = redactor.redact(recorded);
    calls.push({
      tool: step.tool,
      arguments: redactor.redact(args as JsonObject),
      result,
      isError: outcome.isError,
      ...(outcome.errorKind ? { errorKind: outcome.errorKind } : {}),
      latencyMs: outcome.latencyMs,
    });
  }
  return calls;
}
