import type { Task } from '../src/domain.js';
import type { ActivityDeps } from './deps.js';

/** The run's tasks that were judged and passed every check, less those in `excluded`, in the store's order. */
export async function passedTasks(deps: ActivityDeps, runId: string, excluded: Iterable<string> = []): Promise<Task[]> {
  const verdicts = await deps.store.listVerdicts(runId);
  const failed = new Set([...verdicts.filter((v) => !v.passed).map((v) => v.taskId), ...excluded]);
  const judged = new Set(verdicts.map((v) => v.taskId));
  return (await deps.store.listTasks(runId)).filter((t) => judged.has(t.id) && !failed.has(t.id));
}

/** The run's verified tasks: those that passed every check, less those a later audit found stale. */
export async function verifiedTasks(deps: ActivityDeps, runId: string): Promise<Task[]> {
  return passedTasks(deps, runId, (await deps.store.listStaleTasks(runId)).keys());
}
