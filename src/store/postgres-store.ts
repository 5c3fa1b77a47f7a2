import pg from 'pg';
import type { DiscoveredTool, JsonValue, RecordedCall, SubDag, Task, ToolEdge, ToolProfile, Verdict } from '../domain.js';
import { migrate } from './postgres-migrate.js';
import {
  auditFromRow, callFromRow, episodeFromRow, json, liveRepeatFromRow, parse, runFromRow, snapshotFromRow, staleTasks, usageFromRow,
  type AuditRow, type SnapshotRow, type CallRow, type EpisodeRow, type LiveRepeatRow, type RunRow, type UsageRow,
} from './rows.js';
import type { GeneratedAnswer, GenerationKey } from '../simulator/generation.js';
import type { AuditResult, EpisodeRecord, LiveRepeat, LlmRejection, LlmUsageRecord, RunRecord, SandboxSnapshot, Store } from './store.js';

/** BIGINT columns (epoch milliseconds, token sums) come back as numbers, as SQLite gives them. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Runs SQL written with SQLite's `?` placeholders, so that both stores' statements read alike. */
async function query<T extends pg.QueryResultRow>(db: Queryable, sql: string, params: unknown[]): Promise<pg.QueryResult<T>> {
  let n = 0;
  return db.query<T>(sql.replace(/\?/g, () => `$${++n}`), params);
}

/**
 * The shared store: one PostgreSQL database that workers on several machines write to at once.
 * Method for method the embedded store (./sqlite-store.ts), with the same keys and statements;
 * where SQLite says INSERT OR REPLACE / OR IGNORE this says ON CONFLICT … DO UPDATE / DO NOTHING,
 * and what SQLite gets from being a single writer (delete-then-insert) runs in a transaction.
 */
export class PostgresStore implements Store {
  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  /** Connects and brings the schema up to date; throws the driver's error when it cannot. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000, application_name: 'firefly', types });
    // An idle connection the server dropped (restart, network): the pool opens another on next use.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool, withoutPassword(url));
  }

  async saveRun(run: RunRecord): Promise<void> {
    await this.run(
      `INSERT INTO runs (run_id, server_name, spec_json, options_json, planner) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET server_name = excluded.server_name, spec_json = excluded.spec_json,
         options_json = excluded.options_json, planner = excluded.planner`,
      run.runId, run.serverName, json(run.spec), json(run.options), run.planner,
    );
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.rows<RunRow>('SELECT * FROM runs WHERE run_id = ?', runId);
    return row && runFromRow(row);
  }

  async listRuns(prefix: string): Promise<RunRecord[]> {
    // substr rather than LIKE: a prefix may hold % or _.
    return (await this.rows<RunRow>('SELECT * FROM runs WHERE substr(run_id, 1, ?::int) = ? ORDER BY run_id', prefix.length, prefix)).map(runFromRow);
  }

  async saveTools(runId: string, tools: DiscoveredTool[]): Promise<void> {
    await this.replaceRows('DELETE FROM tools WHERE run_id = ?', [runId],
      `INSERT INTO tools (run_id, name, tool_json, usable, skip_reason) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET tool_json = excluded.tool_json, usable = excluded.usable,
         skip_reason = excluded.skip_reason`,
      tools.map((tool) => [runId, tool.name, json(tool), tool.usable ? 1 : 0, tool.skipReason ?? null]));
  }

  async listTools(runId: string): Promise<DiscoveredTool[]> {
    return this.jsonColumn<DiscoveredTool>('SELECT tool_json AS j FROM tools WHERE run_id = ? ORDER BY name', runId);
  }

  async saveProfiles(runId: string, profiles: ToolProfile[]): Promise<void> {
    await this.replaceRows('DELETE FROM tool_profiles WHERE run_id = ?', [runId],
      `INSERT INTO tool_profiles (run_id, name, profile_json) VALUES (?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET profile_json = excluded.profile_json`,
      profiles.map((profile) => [runId, profile.name, json(profile)]));
  }

  async listProfiles(runId: string): Promise<ToolProfile[]> {
    return this.jsonColumn<ToolProfile>('SELECT profile_json AS j FROM tool_profiles WHERE run_id = ? ORDER BY name', runId);
  }

  async saveEdges(runId: string, edges: ToolEdge[]): Promise<void> {
    await this.replaceRows('DELETE FROM edges WHERE run_id = ?', [runId],
      `INSERT INTO edges (run_id, from_tool, to_tool, confidence, edge_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, from_tool, to_tool) DO UPDATE SET confidence = excluded.confidence, edge_json = excluded.edge_json`,
      edges.map((edge) => [runId, edge.from, edge.to, edge.confidence, json(edge)]));
  }

  async listEdges(runId: string): Promise<ToolEdge[]> {
    return this.jsonColumn<ToolEdge>('SELECT edge_json AS j FROM edges WHERE run_id = ? ORDER BY from_tool, to_tool', runId);
  }

  async saveSubDags(runId: string, subDags: SubDag[]): Promise<void> {
    await this.replaceRows(undefined, [],
      'INSERT INTO sub_dags (run_id, idx, key, sub_dag_json) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      subDags.map((subDag) => [runId, subDag.index, subDag.key, json(subDag)]));
  }

  async listSubDags(runId: string): Promise<SubDag[]> {
    return this.jsonColumn<SubDag>('SELECT sub_dag_json AS j FROM sub_dags WHERE run_id = ? ORDER BY idx', runId);
  }

  async getSubDag(runId: string, index: number): Promise<SubDag | undefined> {
    const [row] = await this.rows<{ j: string }>('SELECT sub_dag_json AS j FROM sub_dags WHERE run_id = ? AND idx = ?', runId, index);
    return row && parse<SubDag>(row.j);
  }

  async recordCall(call: RecordedCall): Promise<boolean> {
    const inserted = await this.run(
      `INSERT INTO calls (run_id, sub_dag_idx, step, phase, tool, arguments_json, result_json, is_error,
         error_kind, latency_ms, links_json, planner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      call.runId, call.subDagIndex, call.step, call.phase, call.tool, json(call.arguments), json(call.result),
      call.isError ? 1 : 0, call.errorKind ?? null, call.latencyMs, json(call.links), call.planner,
    );
    return inserted === 1;
  }

  async listCalls(runId: string, subDagIndex?: number): Promise<RecordedCall[]> {
    const rows = subDagIndex === undefined
      ? await this.rows<CallRow>('SELECT * FROM calls WHERE run_id = ? ORDER BY sub_dag_idx, step', runId)
      : await this.rows<CallRow>('SELECT * FROM calls WHERE run_id = ? AND sub_dag_idx = ? ORDER BY step', runId, subDagIndex);
    return rows.map(callFromRow);
  }

  async saveSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number, archive: Uint8Array): Promise<void> {
    await this.run(
      `INSERT INTO sandbox_snapshots (run_id, sub_dag_idx, next_step, archive) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, sub_dag_idx, next_step) DO UPDATE SET archive = excluded.archive`,
      runId, subDagIndex, nextStep, Buffer.from(archive),
    );
  }

  async getSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number): Promise<SandboxSnapshot | undefined> {
    const [row] = await this.rows<SnapshotRow>(
      `SELECT next_step, archive FROM sandbox_snapshots WHERE run_id = ? AND sub_dag_idx = ? AND next_step <= ?
       ORDER BY next_step DESC LIMIT 1`, runId, subDagIndex, nextStep);
    return row && snapshotFromRow(row);
  }

  async saveEpisode(episode: EpisodeRecord): Promise<void> {
    await this.run(
      `INSERT INTO episodes (run_id, sub_dag_idx, status, planner, calls, errors, linked_calls, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, sub_dag_idx) DO UPDATE SET status = excluded.status, planner = excluded.planner,
         calls = excluded.calls, errors = excluded.errors, linked_calls = excluded.linked_calls, error = excluded.error,
         updated_at = clock_timestamp()`,
      episode.runId, episode.subDagIndex, episode.status, episode.planner, episode.calls, episode.errors,
      episode.linkedCalls, episode.error ?? null,
    );
  }

  async getEpisode(runId: string, subDagIndex: number): Promise<EpisodeRecord | undefined> {
    const [row] = await this.rows<EpisodeRow>('SELECT * FROM episodes WHERE run_id = ? AND sub_dag_idx = ?', runId, subDagIndex);
    return row && episodeFromRow(row);
  }

  async listEpisodes(runId: string): Promise<EpisodeRecord[]> {
    const rows = await this.rows<EpisodeRow>('SELECT * FROM episodes WHERE run_id = ? ORDER BY sub_dag_idx', runId);
    return rows.map(episodeFromRow);
  }

  async saveTasks(runId: string, subDagIndex: number, tasks: Task[]): Promise<void> {
    await this.transaction(async (tx) => {
      await this.replaceRows('DELETE FROM tasks WHERE run_id = ? AND sub_dag_idx = ?', [runId, subDagIndex],
        `INSERT INTO tasks (run_id, task_id, sub_dag_idx, task_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, task_id) DO UPDATE SET sub_dag_idx = excluded.sub_dag_idx, task_json = excluded.task_json`,
        tasks.map((task) => [runId, task.id, subDagIndex, json(task)]), tx);
      await query(tx,
        `INSERT INTO synthesized (run_id, sub_dag_idx, candidates) VALUES (?, ?, ?)
         ON CONFLICT (run_id, sub_dag_idx) DO UPDATE SET candidates = excluded.candidates`,
        [runId, subDagIndex, tasks.length]);
    });
  }

  async listTasks(runId: string): Promise<Task[]> {
    return this.jsonColumn<Task>('SELECT task_json AS j FROM tasks WHERE run_id = ? ORDER BY sub_dag_idx, task_id', runId);
  }

  async listSynthesized(runId: string): Promise<Map<number, number>> {
    const rows = await this.rows<{ sub_dag_idx: number; candidates: number }>(
      'SELECT sub_dag_idx, candidates FROM synthesized WHERE run_id = ?', runId);
    return new Map(rows.map((r) => [r.sub_dag_idx, r.candidates]));
  }

  async saveVerdicts(runId: string, verdicts: Verdict[]): Promise<void> {
    await this.replaceRows('DELETE FROM verdicts WHERE run_id = ?', [runId],
      `INSERT INTO verdicts (run_id, task_id, check_name, passed, reason) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, task_id, check_name) DO UPDATE SET passed = excluded.passed, reason = excluded.reason`,
      verdicts.map((v) => [runId, v.taskId, v.check, v.passed ? 1 : 0, v.reason]));
  }

  async listVerdicts(runId: string): Promise<Verdict[]> {
    const rows = await this.rows<{ task_id: string; check_name: Verdict['check']; passed: number; reason: string }>(
      'SELECT task_id, check_name, passed, reason FROM verdicts WHERE run_id = ? ORDER BY task_id, check_name', runId);
    return rows.map((r) => ({ taskId: r.task_id, check: r.check_name, passed: r.passed === 1, reason: r.reason }));
  }

  async addLlmUsage(runId: string, r: LlmUsageRecord): Promise<void> {
    await this.run(
      `INSERT INTO llm_usage (run_id, stage, model, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, stage, model) DO UPDATE SET calls = llm_usage.calls + excluded.calls,
         input_tokens = llm_usage.input_tokens + excluded.input_tokens,
         output_tokens = llm_usage.output_tokens + excluded.output_tokens,
         cache_read_tokens = llm_usage.cache_read_tokens + excluded.cache_read_tokens,
         cache_write_tokens = llm_usage.cache_write_tokens + excluded.cache_write_tokens`,
      runId, r.stage, r.model, r.calls, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens,
    );
  }

  async listLlmUsage(runId: string): Promise<LlmUsageRecord[]> {
    const rows = await this.rows<UsageRow>('SELECT * FROM llm_usage WHERE run_id = ? ORDER BY stage, model', runId);
    return rows.map(usageFromRow);
  }

  async saveLlmAnswer(runId: string, stage: string, subject: string, answer: JsonValue): Promise<void> {
    await this.run(
      `INSERT INTO llm_answers (run_id, stage, subject, answer_json) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, stage, subject) DO UPDATE SET answer_json = excluded.answer_json`,
      runId, stage, subject, json(answer),
    );
  }

  async getLlmAnswer(runId: string, stage: string, subject: string): Promise<JsonValue | undefined> {
    const [row] = await this.rows<{ answer_json: string }>(
      'SELECT answer_json FROM llm_answers WHERE run_id = ? AND stage = ? AND subject = ?', runId, stage, subject);
    return row && parse(row.answer_json);
  }

  async saveLiveRepeat(runId: string, r: LiveRepeat): Promise<void> {
    await this.run(
      `INSERT INTO live_repeats (run_id, subject, round, started_at_ms, wall_ms, calls_json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      runId, r.subject, r.round, r.startedAtMs, r.wallMs, json(r.calls),
    );
  }

  async getLiveRepeat(runId: string, subject: string, round: number): Promise<LiveRepeat | undefined> {
    const [row] = await this.rows<LiveRepeatRow>(
      'SELECT subject, round, started_at_ms, wall_ms, calls_json FROM live_repeats WHERE run_id = ? AND subject = ? AND round = ?',
      runId, subject, round);
    return row && liveRepeatFromRow(row);
  }

  async listLiveRepeats(runId: string): Promise<LiveRepeat[]> {
    const rows = await this.rows<LiveRepeatRow>(
      'SELECT subject, round, started_at_ms, wall_ms, calls_json FROM live_repeats WHERE run_id = ? ORDER BY subject, round', runId);
    return rows.map(liveRepeatFromRow);
  }

  async saveAuditResult(runId: string, r: AuditResult): Promise<void> {
    await this.run(
      'INSERT INTO audit_results (run_id, audit_id, task_id, holds, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      runId, r.auditId, r.taskId, r.holds ? 1 : 0, r.reason,
    );
  }

  async listAuditResults(runId: string, auditId?: string): Promise<AuditResult[]> {
    const rows = auditId === undefined
      ? await this.rows<AuditRow>('SELECT * FROM audit_results WHERE run_id = ? ORDER BY audited_at, seq', runId)
      : await this.rows<AuditRow>('SELECT * FROM audit_results WHERE run_id = ? AND audit_id = ? ORDER BY audited_at, seq', runId, auditId);
    return rows.map(auditFromRow);
  }

  async listStaleTasks(runId: string): Promise<Map<string, string>> {
    return staleTasks(await this.listAuditResults(runId));
  }

  async recordLlmRejection(runId: string, r: LlmRejection): Promise<void> {
    await this.run(
      `INSERT INTO llm_rejections (run_id, stage, subject, reason, detail_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, stage, subject) DO UPDATE SET reason = excluded.reason, detail_json = excluded.detail_json`,
      runId, r.stage, r.subject, r.reason, json(r.detail),
    );
  }

  async listLlmRejections(runId: string): Promise<LlmRejection[]> {
    const rows = await this.rows<{ stage: string; subject: string; reason: string; detail_json: string }>(
      'SELECT stage, subject, reason, detail_json FROM llm_rejections WHERE run_id = ? ORDER BY stage, subject', runId);
    return rows.map((r) => ({ stage: r.stage, subject: r.subject, reason: r.reason, detail: parse(r.detail_json) }));
  }

  async getGeneratedAnswer(runId: string, key: GenerationKey): Promise<GeneratedAnswer | undefined> {
    const [row] = await this.rows<{ answer_json: string }>(
      'SELECT answer_json FROM simulator_generated WHERE run_id = ? AND tool = ? AND arguments_canonical = ? AND state_key = ?',
      runId, key.tool, key.canonical, key.state);
    return row && parse(row.answer_json);
  }

  async putGeneratedAnswer(runId: string, key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer> {
    await this.run(
      `INSERT INTO simulator_generated (run_id, tool, arguments_canonical, state_key, answer_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      runId, key.tool, key.canonical, key.state, json(answer),
    );
    return (await this.getGeneratedAnswer(runId, key))!;
  }

  private closed?: Promise<void>;
  async close(): Promise<void> {
    this.closed ??= this.pool.end();
    await this.closed;
  }

  /** In one transaction (the caller's `tx`, or its own): delete what `deleteSql` selects (if given), then insert every row. */
  private async replaceRows(deleteSql: string | undefined, deleteParams: unknown[], insertSql: string, rows: unknown[][], tx?: Queryable): Promise<void> {
    const write = async (db: Queryable): Promise<void> => {
      if (deleteSql) await query(db, deleteSql, deleteParams);
      for (const row of rows) await query(db, insertSql, row);
    };
    await (tx ? write(tx) : this.transaction(write));
  }

  private async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async rows<T extends pg.QueryResultRow>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await query<T>(this.pool, sql, params)).rows;
  }

  /** Rows written by the statement. */
  private async run(sql: string, ...params: unknown[]): Promise<number> {
    return (await query(this.pool, sql, params)).rowCount ?? 0;
  }

  private async jsonColumn<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.rows<{ j: string }>(sql, ...params)).map((row) => parse<T>(row.j));
  }
}

/** The URL as it may be shown (logs, `location`): the password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
