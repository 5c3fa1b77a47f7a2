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
      const { run, spec } = await loadRun(deps, input.runId);
      const tools = new Map((await deps.store.listTools(input.runId)).map((t) => [t.name, t]));
      const tasks = await synthesizerOf(deps, run).synthesize({
        runId: input.runId,
        server: run.serverName,
        subDagIndex: input.subDagIndex,
        calls: await deps.store.listCalls(input.runId, input.subDagIndex),
        tools,
        volatile: new Map((await deps.store.listProfiles(input.runId)).map((p) => [p.name, p.volatile ?? []])),
      });
      // A composite explores what crosses its members: a task of one member's calls is that server's own run's to write.
      const kept = spec.transport === 'composite' ? tasks.filter((task) => new Set(task.trajectory.map((s) => tools.get(s.tool)?.server)).size >= 2) : tasks;
      await deps.store.saveTasks(input.runId, input.subDagIndex, kept);
      return { candidates: kept.length, usage: await reportedUsage(deps, run) };
    }));
  };
}
