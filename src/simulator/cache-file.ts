import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { CallPhase, JsonObject, JsonSchema, ToolAnnotations, ToolDefinition } from '../domain.js';
import type { SetupCall } from '../mcp/spec.js';
import { SimulatorCache, type SimulatorCacheInput } from './cache.js';
import { CacheEntry } from './cache-entry.js';
import { CACHE_FORMAT, CACHE_FORMAT_VERSION, CACHE_TABLES } from './cache-tables.js';
import { SimulatorCacheError } from './errors.js';

/**
 * The simulator cache as a standalone SQLite file, shipped with every dataset and readable without
 * this project (CACHE-FORMAT.md, copied into datasets, says the same for their readers):
 *
 * - `meta(key, value)`: `format` = firefly-simulator-cache, `format_version` = 1, `server`,
 *   `initial_state` (the state after the setup calls), `tool_count`, `call_count`, and the two key
 *   rules below in words (`canonical_arguments`, `state_key`).
 * - `tools(ordinal, name, description, input_schema_json, output_schema_json, annotations_json)`:
 *   the server's tools as listed; the JSON columns are NULL where the server declared nothing.
 * - `setup(ordinal, tool, arguments_json)`: the calls that seed every episode's fresh server.
 * - `calls(id, tool, arguments_json, arguments_canonical, state_key, state_after, result_json,
 *   is_error, phase, run_id, sub_dag_index, step)`: every recorded call, ids in (sub_dag_index,
 *   step, run_id) order. `arguments_json` and `result_json` are as recorded, with the episode's
 *   sandbox directory written `${sandbox}`; `result_json` is the raw MCP CallToolResult, or
 *   `{"error": {code, message}}` when the server answered with a protocol error.
 *   Index `calls_exact` on (tool, arguments_canonical, state_key).
 * - `generated(tool, arguments_canonical, state_key, model, result_json, is_error, examples_json)`:
 *   answers a model generated for calls no recording matched, memoised so that the same call in the
 *   same state is answered the same way again; keyed like calls, one row per key. Written empty
 *   here; only `firefly simulate --generate` fills it (generated-memo-file.ts).
 *
 * Keys: `arguments_canonical` is JSON with object keys sorted at every depth, no whitespace,
 * numbers in JavaScript's shortest form (-0 as 0), strings as given (canonical.ts).
 * `state_key` is the episode state before the call: '' at the start of an episode, then, after each
 * call to a tool not annotated readOnlyHint: true that did not fail (is_error 0), the first 32 hex
 * digits of sha256(previous + "\0" + tool + "\0" + arguments_canonical) (state.ts). The setup calls
 * advance it like any other. An exact match is a row with the same (tool, arguments_canonical,
 * state_key); where several match, the one with the lowest id answers.
 *
 * The same input always gives the same bytes: rows in a fixed order, no timestamps, and a VACUUM
 * at the end so that the page layout does not depend on how the rows went in.
 */

export function writeSimulatorCache(path: string, input: SimulatorCacheInput | SimulatorCache): void {
  const cache = input instanceof SimulatorCache ? input : SimulatorCache.fromRecording(input);
  // Written aside and renamed into place, so that a reader never opens a half-written file.
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const db = new Database(temporary);
  try {
    db.pragma(`user_version = ${CACHE_FORMAT_VERSION}`);
    db.exec(CACHE_TABLES);
    db.transaction(() => fill(db, cache))();
    db.exec('VACUUM');
  } finally {
    db.close();
  }
  renameSync(temporary, path);
}

function fill(db: Database.Database, cache: SimulatorCache): void {
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  const metaRows: Array<[string, string]> = [
    ['format', CACHE_FORMAT],
    ['format_version', String(CACHE_FORMAT_VERSION)],
    ['server', cache.server],
    ['initial_state', cache.initialState],
    ['tool_count', String(cache.tools.length)],
    ['call_count', String(cache.entries.length)],
    ['canonical_arguments', 'JSON, object keys sorted at every depth, no whitespace, numbers in shortest form (-0 as 0), strings as given'],
    ['state_key', "'' at episode start; after a call to a tool not annotated readOnlyHint:true that did not fail: first 32 hex digits of sha256(previous || 0x00 || tool || 0x00 || arguments_canonical)"],
  ];
  for (const row of metaRows) meta.run(...row);

  const tool = db.prepare(
    'INSERT INTO tools (ordinal, name, description, input_schema_json, output_schema_json, annotations_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  cache.tools.forEach((t, i) =>
    tool.run(i, t.name, t.description, JSON.stringify(t.inputSchema), optionalJson(t.outputSchema), optionalJson(t.annotations)),
  );
  const setup = db.prepare('INSERT INTO setup (ordinal, tool, arguments_json) VALUES (?, ?, ?)');
  cache.setup.forEach((call, i) => setup.run(i, call.tool, JSON.stringify(call.arguments)));

  const call = db.prepare(
    `INSERT INTO calls (id, tool, arguments_json, arguments_canonical, state_key, state_after, result_json, is_error, phase,
       run_id, sub_dag_index, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  cache.entries.forEach((e, i) =>
    call.run(i + 1, e.tool, e.argumentsJson, e.canonical, e.state, e.stateAfter, e.resultJson, e.isError ? 1 : 0, e.phase,
      e.source.runId, e.source.subDagIndex, e.source.step),
  );
}

export function readSimulatorCache(path: string): SimulatorCache {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new SimulatorCacheError(path, `simulator cache ${path} does not exist: export the run's dataset, which writes it, or point at the dataset directory that holds it`);
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new SimulatorCacheError(path, `simulator cache ${path} cannot be opened (${(error as Error).message}): export the dataset again`);
  }
  try {
    checkFormat(db, path);
    const value = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    const tools = (db.prepare('SELECT * FROM tools ORDER BY ordinal').all() as ToolRow[]).map(toolFromRow);
    const setup = (db.prepare('SELECT tool, arguments_json FROM setup ORDER BY ordinal').all() as SetupRow[]).map(
      (row): SetupCall => ({ tool: row.tool, arguments: JSON.parse(row.arguments_json) as JsonObject }),
    );
    // Row by row: a large cache never sits in memory twice (rows and entries).
    const entries: CacheEntry[] = [];
    for (const row of db.prepare('SELECT * FROM calls ORDER BY id').iterate() as IterableIterator<CallRow>) entries.push(entryFromRow(row));
    return new SimulatorCache({ server: value('server') ?? '', tools, setup, entries });
  } finally {
    db.close();
  }
}

/** Refuses a file that is not a simulator cache in the format version this code reads. */
export function checkFormat(db: Database.Database, path: string): void {
  let rows: Array<{ key: string; value: string }>;
  try {
    rows = db.prepare("SELECT key, value FROM meta WHERE key IN ('format', 'format_version')").all() as typeof rows;
  } catch {
    throw new SimulatorCacheError(path, `${path} is not a simulator cache (it has no meta table): point at the simulator.sqlite a dataset export wrote`);
  }
  const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  if (meta.format !== CACHE_FORMAT) {
    throw new SimulatorCacheError(path, `${path} is not a simulator cache (meta.format is ${JSON.stringify(meta.format ?? null)}, not "${CACHE_FORMAT}"): point at the simulator.sqlite a dataset export wrote`);
  }
  if (meta.format_version !== String(CACHE_FORMAT_VERSION)) {
    throw new SimulatorCacheError(path, `${path} is format version ${meta.format_version}, and this code reads version ${CACHE_FORMAT_VERSION}: export the dataset again with this version, or use the matching FireFly version`);
  }
}

function optionalJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

interface ToolRow {
  name: string; description: string; input_schema_json: string; output_schema_json: string | null; annotations_json: string | null;
}
interface SetupRow { tool: string; arguments_json: string }
interface CallRow {
  tool: string; arguments_json: string; arguments_canonical: string; state_key: string; state_after: string; result_json: string;
  is_error: number; phase: CallPhase; run_id: string; sub_dag_index: number; step: number;
}

function toolFromRow(row: ToolRow): ToolDefinition {
  return {
    name: row.name,
    description: row.description,
    inputSchema: JSON.parse(row.input_schema_json) as JsonSchema,
    ...(row.output_schema_json === null ? {} : { outputSchema: JSON.parse(row.output_schema_json) as JsonSchema }),
    ...(row.annotations_json === null ? {} : { annotations: JSON.parse(row.annotations_json) as ToolAnnotations }),
  };
}

function entryFromRow(row: CallRow): CacheEntry {
  return new CacheEntry({
    tool: row.tool,
    canonical: row.arguments_canonical,
    argumentsJson: row.arguments_json,
    state: row.state_key,
    stateAfter: row.state_after,
    resultJson: row.result_json,
    isError: row.is_error === 1,
    phase: row.phase,
    source: { runId: row.run_id, subDagIndex: row.sub_dag_index, step: row.step },
  });
}
