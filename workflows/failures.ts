import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';

/** The innermost message of a failure chain: what actually went wrong, for a person to read. */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure || current instanceof TemporalFailure) && current.cause) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(error);
}

/** The innermost application failure, whose type and retryability say whether a run can go on. */
export function rootApplicationFailure(error: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  let current: unknown = error;
  while (current instanceof TemporalFailure) {
    if (current instanceof ApplicationFailure) found = current;
    current = current.cause;
  }
  return found;
}
