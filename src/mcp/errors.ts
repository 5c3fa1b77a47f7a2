/**
 * The MCP layer's own failures. Each says which field or launch step is at fault and what fixes it;
 * `retryable` tells the activity wrapping it whether another attempt could possibly succeed.
 */

/** A server spec that cannot work as written. Never retryable: only editing the spec fixes it. */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  readonly retryable = false;

  constructor(
    /** Where the problem is, e.g. `server.command` or `server.setup[1].tool`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type LaunchErrorKind = 'command-not-found' | 'exited' | 'startup-timeout' | 'connect-failed';

/** A server that could not be started or reached. */
export class ServerLaunchError extends Error {
  override readonly name = 'ServerLaunchError';

  constructor(
    readonly kind: LaunchErrorKind,
    message: string,
    readonly retryable: boolean,
    /** The last lines the server wrote to stderr (empty for HTTP servers). */
    readonly stderrTail = '',
    /** The exit code of a process that ended during start-up, when it ended by itself. */
    readonly exitCode?: number,
  ) {
    super(message);
  }
}
