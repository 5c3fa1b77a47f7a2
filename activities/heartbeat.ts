import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Runs `work` while heartbeating on a timer with whatever `details()` gives at that moment (the
 * activity's checkpoint, if it has one): one slow call or one slow model answer must not look like
 * a dead worker. Work that reaches a checkpoint heartbeats at once as well.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const context = activityContext();
  // Called outside an activity (a test or a script exporting a run), there is no one to tell.
  if (!context) return work();
  const timer = setInterval(() => context.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The running activity's context; undefined outside an activity. */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
