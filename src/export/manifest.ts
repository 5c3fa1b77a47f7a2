import type { JsonObject } from '../domain.js';
import { perItem, type UsageTotals } from '../llm/usage-ledger.js';
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
    llm: llmSection(input, counts.tasks),
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
    reliability: input.reliability
      ? {
          volatile_outputs: input.reliability.volatile.map((v) => ({ tool: v.tool, path: v.path, reason: v.reason })),
          broken_tools: input.reliability.broken.map((b) => ({ tool: b.tool, calls: b.calls, last_error: b.lastError })),
          stable_check: { trajectories: input.reliability.stable.trajectories, rounds: input.reliability.stable.rounds, live_calls: input.reliability.stable.calls },
        }
      : null,
    skipped: skipped.map((s) => ({ task_id: s.taskId, reason: s.reason })),
    files: Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((name) => [name, { sha256: files[name]!.sha256, lines: files[name]!.lines }]),
    ),
  };
}

/**
 * The models of each stage and every token they used, as the run's ledger recorded it (retries
 * included: this is what was billed). Offline runs say so rather than leave the section out.
 */
function llmSection(input: ExportInput, tasks: number): JsonObject {
  const models = input.models;
  if (!models) return { provider: 'offline', models: null, usage: null };
  const { total } = models.usage;
  return {
    provider: models.provider,
    models: Object.fromEntries(Object.entries(models.stages).sort(([a], [b]) => (a < b ? -1 : 1))),
    usage: {
      by_stage: models.usage.entries.map((e) => ({ stage: e.stage, model: e.model, ...totalsOf(e) })),
      total: totalsOf(total),
      unpriced_models: models.usage.unpricedModels,
      cost_usd_per_verified_task: perItem(total, tasks)?.costUsd ?? null,
    },
  };
}

function totalsOf(t: UsageTotals): JsonObject {
  return {
    requests: t.calls,
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    cache_read_tokens: t.cacheReadTokens,
    cache_write_tokens: t.cacheWriteTokens,
    cost_usd: t.costUsd,
  };
}
