/**
 * The LLM layer's failures, shared by every provider. `LlmError` is a failed exchange with the
 * provider, classified so that a Temporal activity can decide: retry (and when), or fail at once
 * with a message that says what to fix. `MalformedOutputError` is a well-delivered answer whose
 * content cannot be used; it keeps the raw text so a caller can retry or reject with the reason.
 */
import type { LlmProvider, LlmUsage } from './types.js';

export type LlmErrorKind =
  | 'rate-limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'bad-request'
  | 'auth'
  | 'not-found'
  | 'cancelled';

export interface LlmErrorInit {
  kind: LlmErrorKind;
  retryable: boolean;
  provider: LlmProvider;
  /** The HTTP status, when the provider answered. */
  status?: number;
  /** How long the provider asked us to wait (`retry-after-ms` / `retry-after`). */
  retryAfterMs?: number;
  /** The request or configuration field at fault, for errors found before sending, e.g. `tools[1].name`. */
  field?: string;
  cause?: unknown;
}

export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmErrorKind;
  readonly retryable: boolean;
  readonly provider: LlmProvider;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly field?: string;

  constructor(message: string, init: LlmErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.provider = init.provider;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.field !== undefined) this.field = init.field;
  }
}

/** Which kind a status is, and whether another attempt could succeed. */
export function classifyStatus(status: number): { kind: LlmErrorKind; retryable: boolean } {
  if (status === 429) return { kind: 'rate-limited', retryable: true };
  // 529 is Anthropic's "overloaded"; a 503 from a local server under load means the same.
  if (status === 529 || status === 503) return { kind: 'overloaded', retryable: true };
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status === 401 || status === 402 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not-found', retryable: false };
  if (status >= 400 && status < 500) return { kind: 'bad-request', retryable: false };
  return { kind: 'server', retryable: true };
}

export type MalformedReason = 'invalid-json' | 'not-an-object' | 'missing-field' | 'unknown-tool';

export interface MalformedOutputInit {
  reason: MalformedReason;
  /** The model's output as it came: the arguments string, or the whole block as JSON. */
  raw: string;
  provider: LlmProvider;
  model: string;
  /** The call's tokens: the call was made and billed even though its output is unusable. */
  usage: LlmUsage;
  toolName?: string;
  /** The call's id, so that a caller can answer it with an error result and let the model correct itself. */
  toolCallId?: string;
}

/**
 * The model answered, but a tool call in the answer cannot be used. Retryable in the Temporal sense
 * (another sample may be well-formed); a caller that prefers to reject records `reason` and `raw`.
 */
export class MalformedOutputError extends Error {
  override readonly name = 'MalformedOutputError';
  readonly retryable = true;
  readonly reason: MalformedReason;
  readonly raw: string;
  readonly provider: LlmProvider;
  readonly model: string;
  readonly usage: LlmUsage;
  readonly toolName?: string;
  readonly toolCallId?: string;

  constructor(message: string, init: MalformedOutputInit) {
    super(message);
    this.reason = init.reason;
    this.raw = init.raw;
    this.provider = init.provider;
    this.model = init.model;
    this.usage = init.usage;
    if (init.toolName !== undefined) this.toolName = init.toolName;
    if (init.toolCallId !== undefined) this.toolCallId = init.toolCallId;
  }
}
