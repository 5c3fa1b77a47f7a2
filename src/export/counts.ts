import type { Difficulty, Task, Verdict } from '../domain.js';
import type { DatasetCounts } from './types.js';

const DIFFICULTIES: Difficulty[] = ['easy', 'medium', 'hard'];

/** Figures are rounded so that the manifest prints them the same on every platform and run. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function datasetCounts(exported: Task[], skipped: number, verdicts: Verdict[], candidates: number): DatasetCounts {
  const failed = verdicts.filter((v) => !v.passed);
  const rejectedByCheck: Record<string, number> = {};
  // Sorted keys: the manifest must not depend on the order verdicts arrived in.
  for (const check of [...new Set(failed.map((v) => v.check))].sort()) {
    rejectedByCheck[check] = failed.filter((v) => v.check === check).length;
  }
  const calls = exported.map((t) => t.trajectory.length);
  const toolCalls = calls.reduce((sum, n) => sum + n, 0);
  const difficulty = Object.fromEntries(DIFFICULTIES.map((d) => [d, exported.filter((t) => t.difficulty === d).length])) as Record<Difficulty, number>;
  return {
    candidates,
    tasks: exported.length,
    skipped,
    rejectedCandidates: new Set(failed.map((v) => v.taskId)).size,
    rejectedByCheck,
    trajectories: exported.length,
    toolCalls,
    meanCallsPerTask: exported.length === 0 ? 0 : round(toolCalls / exported.length),
    shareWithThreeOrMoreCalls: exported.length === 0 ? 0 : round(calls.filter((n) => n >= 3).length / exported.length),
    difficulty,
  };
}
