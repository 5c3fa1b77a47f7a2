/**
 * The graph stage's own failures. Both are bad input, never transient: retrying with the same
 * profiles, edges or options fails the same way, so callers should fail fast and not retry.
 */

/** Profiles and edges that do not form a tool graph (a duplicate tool, an edge to an unknown tool…). */
export class ToolGraphError extends Error {
  override readonly name = 'ToolGraphError';
  readonly retryable = false;
}

/** Sampling options out of range, e.g. a negative count or a maxTools of 0. */
export class SamplingOptionsError extends Error {
  override readonly name = 'SamplingOptionsError';
  readonly retryable = false;

  constructor(
    /** The option at fault, e.g. `maxTools`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}
