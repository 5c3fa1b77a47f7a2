/**
 * LLM errors → Temporal failures, for the activities that call models. A provider's `retry-after`
 * becomes the failure's `nextRetryDelay`, so Temporal waits as long as the provider asked instead of
 * its own backoff; refusals that no retry can fix (400/401/403/404, bad configuration) fail at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../api.js';
import { LlmConfigError } from './config.js';
import { LlmError, MalformedOutputError, type LlmErrorKind } from './errors.js';

/** Failure types a workflow or retry policy can match on; named once. */
export const LLM_FAILURE_TYPES = {
  'rate-limited': 'LlmRateLimited',
  overloaded: 'LlmOverloaded',
  server: 'LlmServerError',
  timeout: 'LlmTimeout',
  network: 'LlmNetworkError',
  'bad-request': failureTypes.llmBadRequest,
  auth: 'LlmAuth',
  'not-found': 'LlmModelNotFound',
  cancelled: 'LlmCancelled',
  malformed: 'LlmMalformedOutput',
  config: 'LlmConfigInvalid',
} as const satisfies Record<LlmErrorKind | 'malformed' | 'config', string>;

/** Raw output kept in a failure's details is cut here: failures land in history (Invariant 2). */
const RAW_LIMIT = 2_000;

export function toTemporalFailure(error: unknown): unknown {
  if (error instanceof LlmError) {
    return ApplicationFailure.create({
      type: LLM_FAILURE_TYPES[error.kind],
      message: error.message,
      nonRetryable: !error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
      details: [{ kind: error.kind, status: error.status ?? null, provider: error.provider, field: error.field ?? null }],
      // No cause: the SDK's error under it would be the innermost message a run reports, and ours
      // says what to do (e.g. which variable holds the refused key); its status is in the details.
    });
  }
  if (error instanceof MalformedOutputError) {
    return ApplicationFailure.create({
      type: LLM_FAILURE_TYPES.malformed,
      message: error.message,
      nonRetryable: false,
      details: [{ reason: error.reason, toolName: error.toolName ?? null, raw: error.raw.slice(0, RAW_LIMIT), model: error.model, usage: error.usage }],
      cause: error,
    });
  }
  if (error instanceof LlmConfigError) {
    return ApplicationFailure.create({ type: LLM_FAILURE_TYPES.config, message: error.message, nonRetryable: true, details: [{ field: error.field }], cause: error });
  }
  return error;
}
