import type { RunUsage } from '../src/api.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { loadRun } from './run-context.js';
import { reportedUsage } from './run-llm.js';
import { synthesizerOf } from './run-stages.js';

/**
 * Writes the candidate tasks of one explored sub-DAG, replacing any an earlier attempt wrote. The
 * offline synthesizer is deterministic; a model may write other tasks on a retry, and only the last
 * attempt's are kept.
 */
export function synthesizeTasksActivity(deps: ActivityDeps) {
  return async function synthesizeTasks(input: { runId: string; subDagIndex: number }): Promise<{ candidates: number; usage?: RunUsage | null }> {
    return withFailureMapping(() => whileHeartbeating(async () => {
      const { run } = await loadRun(deps, input.runId);
      const tools = new Map((await deps.store.listTools(input.runId)).map((t) => [t.name, t]));
      const tasks = await synthesizerOf(deps, run).synthesize({
        runId: input.runId,
        server: run.serverName,
        subDagIndex: input.subDagIndex,
        calls: await deps.store.listCalls(input.runId, input.subDagIndex),
        tools,
        volatile: new Map((await deps.store.listProfiles(input.runId)).map((p) => [p.name, p.volatile ?? []])),
      });
      await deps.store.saveTasks(input.runId, input.subDagIndex, tasks);
      return { candidates: tasks.length, usage: await reportedUsage(deps, run) };
    }));
  };
}
