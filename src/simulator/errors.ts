/**
 * A simulator cache file that cannot be used as it is: missing, not a cache, or written in a format
 * version this code does not read. Never retryable: only another file (or re-exporting it) fixes it.
 */
export class SimulatorCacheError extends Error {
  override readonly name = 'SimulatorCacheError';
  readonly retryable = false;

  constructor(
    /** The cache file at fault. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
