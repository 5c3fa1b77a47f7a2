import type { ActivityDeps } from './deps.js';
import { loadRun } from './run-context.js';

/** Writes the candidate tasks of one explored sub-DAG. Deterministic, so a retry writes the same tasks. */
export function synthesizeTasksActivity(deps: ActivityDeps) {
  return async function synthesizeTasks(input: { runId: string; subDagIndex: number }): Promise<{ candidates: number }> {
    const { run } = await loadRun(deps, input.runId);
    const tools = new Map((await deps.store.listTools(input.runId)).map((t) => [t.name, t]));
    const tasks = await deps.synthesizer.synthesize({
      runId: input.runId,
      server: run.serverName,
      subDagIndex: input.subDagIndex,
      calls: await deps.store.listCalls(input.runId, input.subDagIndex),
      tools,
    });
    await deps.store.saveTasks(input.runId, input.subDagIndex, tasks);
    return { candidates: tasks.length };
  };
}
