import { ApplicationFailure } from '@temporalio/common';
import { activityContext } from './heartbeat.js';
import { ServerLaunchError, SpecError } from '../src/mcp/errors.js';
import { PolicyRefusal } from '../src/policy/refusal.js';
import { RunIdentityError } from '../src/run-identity.js';
import { redactError } from '../src/secrets/redact-error.js';
import { patternRedactor } from '../src/secrets/redactor.js';
import { failureTypes } from '../src/api.js';
import { LlmConfigError } from '../src/llm/config.js';
import { LlmError, MalformedOutputError } from '../src/llm/errors.js';
import { toTemporalFailure } from '../src/llm/to-temporal-failure.js';

/**
 * Turns domain errors into Temporal failures: bad input and servers that cannot start are
 * non-retryable (no retry can fix them, and the message says what will); everything else retries.
 */
export function toFailure(error: unknown): unknown {
  // The last guard before Temporal's history: a run's own secrets are redacted where they are known
  // (mcp/session.ts, explore/run-episode.ts), and here whatever is shaped like a key or token.
  redactError(error, patternRedactor);
  if (error instanceof SpecError || error instanceof LlmConfigError || error instanceof RunIdentityError) {
    return ApplicationFailure.create({ type: failureTypes.invalidInput, message: error.message, nonRetryable: true, cause: error });
  }
  if (error instanceof PolicyRefusal) {
    return ApplicationFailure.create({ type: failureTypes.policyRefused, message: error.message, nonRetryable: true, cause: error });
  }
  if (error instanceof ServerLaunchError) {
    return ApplicationFailure.create({
      type: failureTypes.serverLaunch,
      message: error.message,
      nonRetryable: !error.retryable,
      cause: error,
    });
  }
  // Model errors: retry-after becomes the next retry's delay; 400/401/403 fail at once.
  if (error instanceof LlmError || error instanceof MalformedOutputError) return toTemporalFailure(error);
  return error;
}

export async function withFailureMapping<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Cancelled by Temporal (a worker shutting down, a reset, a pause): whatever the cancellation broke
    // on its way out, Temporal must see the cancellation, so the activity is retried elsewhere and
    // not failed for good.
    const cancelled = cancellationOf();
    if (cancelled) throw cancelled;
    throw toFailure(error);
  }
}

function cancellationOf(): unknown {
  const signal = activityContext()?.cancellationSignal;
  return signal?.aborted ? signal.reason : undefined;
}
