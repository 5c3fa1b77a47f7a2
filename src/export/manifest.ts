import type { JsonObject } from '../domain.js';
import type { DatasetCounts, ExportInput, FileDigest, SkippedTask } from './types.js';

/**
 * manifest.json: what the dataset holds and how to check it. No timestamps and a fixed key order
 * (files sorted by name), so the same run exports to the same bytes and a diff shows real changes.
 */
export function manifest(input: ExportInput, counts: DatasetCounts, files: Record<string, FileDigest>, skipped: SkippedTask[]): JsonObject {
  return {
    dataset: `firefly/${input.run.server}`,
    run_id: input.run.runId,
    server: input.run.server,
    pipeline_version: input.pipelineVersion,
    planner: input.run.planner,
    synthesizer: input.run.synthesizer,
    judge: input.run.judge ?? null,
    counts: {
      candidates: counts.candidates,
      tasks: counts.tasks,
      skipped: counts.skipped,
      rejected_candidates: counts.rejectedCandidates,
      rejected_by_check: counts.rejectedByCheck,
      trajectories: counts.trajectories,
      tool_calls: counts.toolCalls,
      mean_calls_per_task: counts.meanCallsPerTask,
      share_with_3_or_more_calls: counts.shareWithThreeOrMoreCalls,
      difficulty: counts.difficulty,
    },
    skipped: skipped.map((s) => ({ task_id: s.taskId, reason: s.reason })),
    files: Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((name) => [name, { sha256: files[name]!.sha256, lines: files[name]!.lines }]),
    ),
  };
}
