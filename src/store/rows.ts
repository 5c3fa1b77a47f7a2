/**
 * Rows as both stores read them back, and their mapping to the shapes of ./store.ts. Both schemas
 * use the same column names and kinds (0/1 for flags, JSON in text), so one mapper serves both.
 */
import type { RecordedCall } from '../domain.js';
import type { AuditResult, EpisodeRecord, LiveRepeat, LlmUsageRecord, RunRecord, SandboxSnapshot } from './store.js';

export const json = (value: unknown): string => JSON.stringify(value);
export const parse = <T>(text: string): T => JSON.parse(text) as T;

export interface RunRow { run_id: string; server_name: string; spec_json: string; options_json: string; planner: string }
export interface CallRow {
  run_id: string; sub_dag_idx: number; step: number; phase: RecordedCall['phase']; tool: string; arguments_json: string;
  result_json: string; is_error: number; error_kind: RecordedCall['errorKind'] | null; latency_ms: number;
  links_json: string; planner: string;
}
export interface EpisodeRow {
  run_id: string; sub_dag_idx: number; status: EpisodeRecord['status']; planner: string; calls: number; errors: number;
  linked_calls: number; error: string | null;
}
export interface UsageRow {
  stage: string; model: string; calls: number; input_tokens: number; output_tokens: number; cache_read_tokens: number;
  cache_write_tokens: number;
}
export type LiveRepeatRow = { subject: string; round: number; started_at_ms: number; wall_ms: number; calls_json: string };
export type SnapshotRow = { next_step: number; archive: Uint8Array };
export type AuditRow = { audit_id: string; task_id: string; holds: number; reason: string };

export function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    serverName: row.server_name,
    spec: parse(row.spec_json),
    options: parse(row.options_json),
    planner: row.planner,
  };
}

export function callFromRow(row: CallRow): RecordedCall {
  return {
    runId: row.run_id,
    subDagIndex: row.sub_dag_idx,
    step: row.step,
    phase: row.phase,
    tool: row.tool,
    arguments: parse(row.arguments_json),
    result: parse(row.result_json),
    isError: row.is_error === 1,
    ...(row.error_kind ? { errorKind: row.error_kind } : {}),
    latencyMs: row.latency_ms,
    links: parse(row.links_json),
    planner: row.planner,
  };
}

export function episodeFromRow(row: EpisodeRow): EpisodeRecord {
  return {
    runId: row.run_id,
    subDagIndex: row.sub_dag_idx,
    status: row.status,
    planner: row.planner,
    calls: row.calls,
    errors: row.errors,
    linkedCalls: row.linked_calls,
    ...(row.error ? { error: row.error } : {}),
  };
}

export function usageFromRow(r: UsageRow): LlmUsageRecord {
  return {
    stage: r.stage,
    model: r.model,
    calls: r.calls,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
  };
}

export function liveRepeatFromRow(row: LiveRepeatRow): LiveRepeat {
  return { subject: row.subject, round: row.round, startedAtMs: row.started_at_ms, wallMs: row.wall_ms, calls: parse(row.calls_json) };
}

export function auditFromRow(r: AuditRow): AuditResult {
  return { auditId: r.audit_id, taskId: r.task_id, holds: r.holds === 1, reason: r.reason };
}

export function snapshotFromRow(row: SnapshotRow): SandboxSnapshot {
  return { nextStep: row.next_step, archive: new Uint8Array(row.archive) };
}

/** Tasks whose latest audit (results in audit order) found them no longer holding, with its reason. */
export function staleTasks(results: AuditResult[]): Map<string, string> {
  const latest = new Map<string, AuditResult>();
  for (const result of results) latest.set(result.taskId, result);
  return new Map([...latest.values()].filter((r) => !r.holds).map((r) => [r.taskId, r.reason]));
}
