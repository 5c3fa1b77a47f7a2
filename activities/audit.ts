import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safePathComponent } from '../src/safe-path.js';
import { stepsDigest, trajectorySteps } from '../src/explore/reexecute.js';
import { mapLimited } from '../src/map-limited.js';
import { seededRandom } from '../src/random.js';
import type { AuditResult } from '../src/store/store.js';
import type { Task } from '../src/domain.js';
import { stabilityVerdict } from '../src/verify/stable.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { liveRepeater } from './live-repeat.js';
import { loadRun } from './run-context.js';
import { passedTasks } from './verified-tasks.js';

const TASKS_AT_ONCE = 4;

export interface AuditPlanInput {
  runId: string;
  /** Audit this many tasks, chosen by `seed`; all when absent. */
  sample?: number;
  seed?: number;
}

export interface AuditReport {
  runId: string;
  auditId: string;
  tasks: number;
  held: number;
  stale: Array<{ taskId: string; reason: string }>;
  /** Per tool of the audited trajectories: tasks that used it and still hold, and those that do not. */
  byTool: Record<string, { held: number; stale: number }>;
}

/**
 * The tasks an audit re-executes: every verified one the exporter did not skip (stale ones
 * included: they may hold again), or a seeded sample of them.
 */
export function planAuditActivity(deps: ActivityDeps) {
  return async function planAudit(input: AuditPlanInput): Promise<string[]> {
    return withFailureMapping(async () => {
      await loadRun(deps, input.runId);
      const ids = (await passedTasks(deps, input.runId, await skippedByExport(deps, input.runId))).map((t) => t.id);
      if (input.sample === undefined || input.sample >= ids.length) return ids;
      const random = seededRandom(`audit/${input.seed ?? 1}`);
      return ids
        .map((id) => ({ id, key: random() }))
        .sort((a, b) => a.key - b.key)
        .slice(0, input.sample)
        .map((entry) => entry.id);
    });
  };
}

/** Tasks the last export skipped (a reference call its tool's schema refuses), as its manifest lists them. */
async function skippedByExport(deps: ActivityDeps, runId: string): Promise<string[]> {
  const manifest = await readFile(join(deps.datasetRoot, safePathComponent(runId, 'runId'), 'manifest.json'), 'utf8').catch(() => undefined);
  if (manifest === undefined) return [];
  const skipped = (JSON.parse(manifest) as { skipped?: Array<{ task_id?: unknown }> }).skipped ?? [];
  return skipped.flatMap((s) => (typeof s.task_id === 'string' ? [s.task_id] : []));
}

/**
 * Re-executes each task's reference trajectory once on a fresh live instance and records whether
 * every answer still comes out as labelled. Results are kept per (audit, task) as they come, so a
 * retried batch checks only what it had not.
 */
export function auditTaskBatchActivity(deps: ActivityDeps) {
  return async function auditTaskBatch(input: { runId: string; auditId: string; taskIds: string[] }): Promise<{ held: number; stale: number }> {
    return withFailureMapping(() => whileHeartbeating(async () => {
      const { run, spec } = await loadRun(deps, input.runId);
      const done = new Map((await deps.store.listAuditResults(input.runId, input.auditId)).map((r) => [r.taskId, r]));
      const tasks = new Map((await deps.store.listTasks(input.runId)).map((t) => [t.id, t]));
      const repeat = liveRepeater(deps, run, spec);
      // A lost connection (RepeatLostError) fails the attempt: Temporal retries the batch, which skips what it checked.
      const auditOne = async (task: Task) => {
        const steps = trajectorySteps(task.trajectory);
        const { calls } = await repeat(`audit:${input.auditId}:${stepsDigest(steps)}`, 1, steps);
        return stabilityVerdict(task, [calls]);
      };
      const results = await mapLimited(input.taskIds, TASKS_AT_ONCE, async (taskId): Promise<AuditResult> => {
        const known = done.get(taskId);
        if (known) return known;
        const task = tasks.get(taskId);
        const verdict = task ? await auditOne(task) : { passed: false, reason: 'the task is no longer in the store' };
        const result: AuditResult = { auditId: input.auditId, taskId, holds: verdict.passed, reason: verdict.reason };
        await deps.store.saveAuditResult(input.runId, result);
        return result;
      });
      return { held: results.filter((r) => r.holds).length, stale: results.filter((r) => !r.holds).length };
    }));
  };
}

/** What one audit found, per task and per tool, read back from the store. */
export function summarizeAuditActivity(deps: ActivityDeps) {
  return async function summarizeAudit(input: { runId: string; auditId: string }): Promise<AuditReport> {
    const results = await deps.store.listAuditResults(input.runId, input.auditId);
    const tasks = new Map((await deps.store.listTasks(input.runId)).map((t) => [t.id, t]));
    const byTool: AuditReport['byTool'] = {};
    for (const result of results) {
      for (const tool of new Set(tasks.get(result.taskId)?.trajectory.map((s) => s.tool) ?? [])) {
        const counts = (byTool[tool] ??= { held: 0, stale: 0 });
        if (result.holds) counts.held += 1;
        else counts.stale += 1;
      }
    }
    return {
      runId: input.runId,
      auditId: input.auditId,
      tasks: results.length,
      held: results.filter((r) => r.holds).length,
      stale: results.filter((r) => !r.holds).map((r) => ({ taskId: r.taskId, reason: r.reason })),
      byTool,
    };
  };
}
