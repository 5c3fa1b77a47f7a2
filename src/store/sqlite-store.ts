import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DiscoveredTool, JsonValue, RecordedCall, SubDag, Task, ToolEdge, ToolProfile, Verdict } from '../domain.js';
import { SCHEMA } from './schema.js';
import {
  auditFromRow, callFromRow, episodeFromRow, json, liveRepeatFromRow, parse, runFromRow, snapshotFromRow, staleTasks, usageFromRow,
  type AuditRow, type SnapshotRow, type CallRow, type EpisodeRow, type LiveRepeatRow, type RunRow, type UsageRow,
} from './rows.js';
import type { GeneratedAnswer, GenerationKey } from '../simulator/generation.js';
import type { AuditResult, EpisodeRecord, LiveRepeat, LlmRejection, LlmUsageRecord, RunRecord, SandboxSnapshot, Store } from './store.js';

/**
 * The embedded store: one SQLite file that several worker processes share (WAL mode, and a busy
 * timeout so that a writer briefly holding the lock delays other writers instead of failing them).
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(readonly location: string) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  async saveRun(run: RunRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO runs (run_id, server_name, spec_json, options_json, planner) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET server_name = excluded.server_name, spec_json = excluded.spec_json,
           options_json = excluded.options_json, planner = excluded.planner`,
      )
      .run(run.runId, run.serverName, json(run.spec), json(run.options), run.planner);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    return row && runFromRow(row);
  }

  async listRuns(prefix: string): Promise<RunRecord[]> {
    // substr rather than LIKE: a prefix may hold % or _.
    const rows = this.db.prepare('SELECT * FROM runs WHERE substr(run_id, 1, ?) = ? ORDER BY run_id').all(prefix.length, prefix) as RunRow[];
    return rows.map(runFromRow);
  }

  async saveTools(runId: string, tools: DiscoveredTool[]): Promise<void> {
    this.replaceRows('DELETE FROM tools WHERE run_id = ?', [runId],
      'INSERT OR REPLACE INTO tools (run_id, name, tool_json, usable, skip_reason) VALUES (?, ?, ?, ?, ?)',
      tools.map((tool) => [runId, tool.name, json(tool), tool.usable ? 1 : 0, tool.skipReason ?? null]));
  }

  async listTools(runId: string): Promise<DiscoveredTool[]> {
    return this.jsonColumn<DiscoveredTool>('SELECT tool_json AS j FROM tools WHERE run_id = ? ORDER BY name', runId);
  }

  async saveProfiles(runId: string, profiles: ToolProfile[]): Promise<void> {
    this.replaceRows('DELETE FROM tool_profiles WHERE run_id = ?', [runId],
      'INSERT OR REPLACE INTO tool_profiles (run_id, name, profile_json) VALUES (?, ?, ?)',
      profiles.map((profile) => [runId, profile.name, json(profile)]));
  }

  async listProfiles(runId: string): Promise<ToolProfile[]> {
    return this.jsonColumn<ToolProfile>('SELECT profile_json AS j FROM tool_profiles WHERE run_id = ? ORDER BY name', runId);
  }

  async saveEdges(runId: string, edges: ToolEdge[]): Promise<void> {
    this.replaceRows('DELETE FROM edges WHERE run_id = ?', [runId],
      'INSERT OR REPLACE INTO edges (run_id, from_tool, to_tool, confidence, edge_json) VALUES (?, ?, ?, ?, ?)',
      edges.map((edge) => [runId, edge.from, edge.to, edge.confidence, json(edge)]));
  }

  async listEdges(runId: string): Promise<ToolEdge[]> {
    return this.jsonColumn<ToolEdge>('SELECT edge_json AS j FROM edges WHERE run_id = ? ORDER BY from_tool, to_tool', runId);
  }

  async saveSubDags(runId: string, subDags: SubDag[]): Promise<void> {
    this.replaceRows(undefined, [],
      'INSERT OR IGNORE INTO sub_dags (run_id, idx, key, sub_dag_json) VALUES (?, ?, ?, ?)',
      subDags.map((subDag) => [runId, subDag.index, subDag.key, json(subDag)]));
  }

  async listSubDags(runId: string): Promise<SubDag[]> {
    return this.jsonColumn<SubDag>('SELECT sub_dag_json AS j FROM sub_dags WHERE run_id = ? ORDER BY idx', runId);
  }

  async getSubDag(runId: string, index: number): Promise<SubDag | undefined> {
    const row = this.db.prepare('SELECT sub_dag_json AS j FROM sub_dags WHERE run_id = ? AND idx = ?').get(runId, index) as
      | { j: string }
      | undefined;
    return row && parse<SubDag>(row.j);
  }

  async recordCall(call: RecordedCall): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO calls (run_id, sub_dag_idx, step, phase, tool, arguments_json, result_json, is_error,
           error_kind, latency_ms, links_json, planner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        call.runId, call.subDagIndex, call.step, call.phase, call.tool, json(call.arguments), json(call.result),
        call.isError ? 1 : 0, call.errorKind ?? null, call.latencyMs, json(call.links), call.planner,
      );
    return result.changes === 1;
  }

  async listCalls(runId: string, subDagIndex?: number): Promise<RecordedCall[]> {
    const rows = (subDagIndex === undefined
      ? this.db.prepare('SELECT * FROM calls WHERE run_id = ? ORDER BY sub_dag_idx, step').all(runId)
      : this.db.prepare('SELECT * FROM calls WHERE run_id = ? AND sub_dag_idx = ? ORDER BY step').all(runId, subDagIndex)) as CallRow[];
    return rows.map(callFromRow);
  }

  async saveSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number, archive: Uint8Array): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO sandbox_snapshots (run_id, sub_dag_idx, next_step, archive) VALUES (?, ?, ?, ?)')
      .run(runId, subDagIndex, nextStep, Buffer.from(archive));
  }

  async getSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number): Promise<SandboxSnapshot | undefined> {
    const row = this.db
      .prepare(`SELECT next_step, archive FROM sandbox_snapshots WHERE run_id = ? AND sub_dag_idx = ? AND next_step <= ?
                ORDER BY next_step DESC LIMIT 1`)
      .get(runId, subDagIndex, nextStep) as SnapshotRow | undefined;
    return row && snapshotFromRow(row);
  }

  async saveEpisode(episode: EpisodeRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO episodes (run_id, sub_dag_idx, status, planner, calls, errors, linked_calls, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(episode.runId, episode.subDagIndex, episode.status, episode.planner, episode.calls, episode.errors,
        episode.linkedCalls, episode.error ?? null);
  }

  async getEpisode(runId: string, subDagIndex: number): Promise<EpisodeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM episodes WHERE run_id = ? AND sub_dag_idx = ?').get(runId, subDagIndex) as
      | EpisodeRow
      | undefined;
    return row && episodeFromRow(row);
  }

  async listEpisodes(runId: string): Promise<EpisodeRecord[]> {
    const rows = this.db.prepare('SELECT * FROM episodes WHERE run_id = ? ORDER BY sub_dag_idx').all(runId) as EpisodeRow[];
    return rows.map(episodeFromRow);
  }

  async saveTasks(runId: string, subDagIndex: number, tasks: Task[]): Promise<void> {
    this.db.transaction(() => {
      this.replaceRows('DELETE FROM tasks WHERE run_id = ? AND sub_dag_idx = ?', [runId, subDagIndex],
        'INSERT OR REPLACE INTO tasks (run_id, task_id, sub_dag_idx, task_json) VALUES (?, ?, ?, ?)',
        tasks.map((task) => [runId, task.id, subDagIndex, json(task)]));
      this.db
        .prepare('INSERT OR REPLACE INTO synthesized (run_id, sub_dag_idx, candidates) VALUES (?, ?, ?)')
        .run(runId, subDagIndex, tasks.length);
    })();
  }

  async listTasks(runId: string): Promise<Task[]> {
    return this.jsonColumn<Task>('SELECT task_json AS j FROM tasks WHERE run_id = ? ORDER BY sub_dag_idx, task_id', runId);
  }

  async listSynthesized(runId: string): Promise<Map<number, number>> {
    const rows = this.db.prepare('SELECT sub_dag_idx, candidates FROM synthesized WHERE run_id = ?').all(runId) as Array<{
      sub_dag_idx: number;
      candidates: number;
    }>;
    return new Map(rows.map((r) => [r.sub_dag_idx, r.candidates]));
  }

  async saveVerdicts(runId: string, verdicts: Verdict[]): Promise<void> {
    this.replaceRows('DELETE FROM verdicts WHERE run_id = ?', [runId],
      'INSERT OR REPLACE INTO verdicts (run_id, task_id, check_name, passed, reason) VALUES (?, ?, ?, ?, ?)',
      verdicts.map((v) => [runId, v.taskId, v.check, v.passed ? 1 : 0, v.reason]));
  }

  async listVerdicts(runId: string): Promise<Verdict[]> {
    const rows = this.db
      .prepare('SELECT task_id, check_name, passed, reason FROM verdicts WHERE run_id = ? ORDER BY task_id, check_name')
      .all(runId) as Array<{ task_id: string; check_name: Verdict['check']; passed: number; reason: string }>;
    return rows.map((r) => ({ taskId: r.task_id, check: r.check_name, passed: r.passed === 1, reason: r.reason }));
  }

  async addLlmUsage(runId: string, r: LlmUsageRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO llm_usage (run_id, stage, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, stage, model) DO UPDATE SET calls = calls + excluded.calls,
           input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
           cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens`,
      )
      .run(runId, r.stage, r.model, r.calls, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens);
  }

  async listLlmUsage(runId: string): Promise<LlmUsageRecord[]> {
    const rows = this.db.prepare('SELECT * FROM llm_usage WHERE run_id = ? ORDER BY stage, model').all(runId) as UsageRow[];
    return rows.map(usageFromRow);
  }

  async saveLlmAnswer(runId: string, stage: string, subject: string, answer: JsonValue): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO llm_answers (run_id, stage, subject, answer_json) VALUES (?, ?, ?, ?)').run(runId, stage, subject, json(answer));
  }

  async getLlmAnswer(runId: string, stage: string, subject: string): Promise<JsonValue | undefined> {
    const row = this.db.prepare('SELECT answer_json FROM llm_answers WHERE run_id = ? AND stage = ? AND subject = ?').get(runId, stage, subject) as
      | { answer_json: string }
      | undefined;
    return row && parse(row.answer_json);
  }

  async saveLiveRepeat(runId: string, r: LiveRepeat): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO live_repeats (run_id, subject, round, started_at_ms, wall_ms, calls_json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, r.subject, r.round, r.startedAtMs, r.wallMs, json(r.calls));
  }

  async getLiveRepeat(runId: string, subject: string, round: number): Promise<LiveRepeat | undefined> {
    const row = this.db
      .prepare('SELECT subject, round, started_at_ms, wall_ms, calls_json FROM live_repeats WHERE run_id = ? AND subject = ? AND round = ?')
      .get(runId, subject, round) as LiveRepeatRow | undefined;
    return row && liveRepeatFromRow(row);
  }

  async listLiveRepeats(runId: string): Promise<LiveRepeat[]> {
    const rows = this.db
      .prepare('SELECT subject, round, started_at_ms, wall_ms, calls_json FROM live_repeats WHERE run_id = ? ORDER BY subject, round')
      .all(runId) as LiveRepeatRow[];
    return rows.map(liveRepeatFromRow);
  }

  async saveAuditResult(runId: string, r: AuditResult): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO audit_results (run_id, audit_id, task_id, holds, reason) VALUES (?, ?, ?, ?, ?)')
      .run(runId, r.auditId, r.taskId, r.holds ? 1 : 0, r.reason);
  }

  async listAuditResults(runId: string, auditId?: string): Promise<AuditResult[]> {
    const rows = (auditId === undefined
      ? this.db.prepare('SELECT * FROM audit_results WHERE run_id = ? ORDER BY audited_at, rowid').all(runId)
      : this.db.prepare('SELECT * FROM audit_results WHERE run_id = ? AND audit_id = ? ORDER BY audited_at, rowid').all(runId, auditId)) as AuditRow[];
    return rows.map(auditFromRow);
  }

  async listStaleTasks(runId: string): Promise<Map<string, string>> {
    return staleTasks(await this.listAuditResults(runId));
  }

  async recordLlmRejection(runId: string, r: LlmRejection): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO llm_rejections (run_id, stage, subject, reason, detail_json) VALUES (?, ?, ?, ?, ?)')
      .run(runId, r.stage, r.subject, r.reason, json(r.detail));
  }

  async listLlmRejections(runId: string): Promise<LlmRejection[]> {
    const rows = this.db
      .prepare('SELECT stage, subject, reason, detail_json FROM llm_rejections WHERE run_id = ? ORDER BY stage, subject')
      .all(runId) as Array<{ stage: string; subject: string; reason: string; detail_json: string }>;
    return rows.map((r) => ({ stage: r.stage, subject: r.subject, reason: r.reason, detail: parse(r.detail_json) }));
  }

  async getGeneratedAnswer(runId: string, key: GenerationKey): Promise<GeneratedAnswer | undefined> {
    const row = this.db
      .prepare('SELECT answer_json FROM simulator_generated WHERE run_id = ? AND tool = ? AND arguments_canonical = ? AND state_key = ?')
      .get(runId, key.tool, key.canonical, key.state) as { answer_json: string } | undefined;
    return row && parse(row.answer_json);
  }

  async putGeneratedAnswer(runId: string, key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer> {
    this.db
      .prepare('INSERT OR IGNORE INTO simulator_generated (run_id, tool, arguments_canonical, state_key, answer_json) VALUES (?, ?, ?, ?, ?)')
      .run(runId, key.tool, key.canonical, key.state, json(answer));
    return (await this.getGeneratedAnswer(runId, key))!;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** In one transaction: delete what `deleteSql` selects (if given), then insert every row. */
  private replaceRows(deleteSql: string | undefined, deleteParams: unknown[], insertSql: string, rows: unknown[][]): void {
    const insert = this.db.prepare(insertSql);
    this.db.transaction(() => {
      if (deleteSql) this.db.prepare(deleteSql).run(...deleteParams);
      for (const row of rows) insert.run(...row);
    })();
  }

  private jsonColumn<T>(sql: string, ...params: unknown[]): T[] {
    return (this.db.prepare(sql).all(...params) as Array<{ j: string }>).map((row) => parse<T>(row.j));
  }
}
