/**
 * A live call the run's policy refuses, stopped before it reached the server. Never retryable:
 * only a change of policy (or of the code that asked) makes it go through.
 */
export class PolicyRefusal extends Error {
  override readonly name = 'PolicyRefusal';
  readonly retryable = false;

  constructor(
    readonly tool: string,
    readonly server: string,
    reason: string,
  ) {
    super(`did not call ${server}/${tool}: it is ${reason}`);
  }
}
