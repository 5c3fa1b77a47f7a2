import Database from 'better-sqlite3';
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { checkFormat } from './cache-file.js';
import { SimulatorCacheError } from './errors.js';
import type { ExampleSource, GeneratedAnswer, GeneratedAnswerMemo, GenerationKey } from './generation.js';

/** How long a write waits for another process holding the file's lock. */
const BUSY_TIMEOUT_MS = 5_000;
/** Columns a `generated` table may lack (a file written with the table's first, never-filled layout), with their DDL. */
const ADDED_COLUMNS: ReadonlyArray<[name: string, ddl: string]> = [
  ['is_error', 'is_error INTEGER NOT NULL DEFAULT 0 CHECK (is_error IN (0, 1))'],
  ['examples_json', "examples_json TEXT NOT NULL DEFAULT '[]'"],
];

interface GeneratedRow {
  model: string;
  result_json: string;
  is_error: number | null;
  examples_json: string | null;
}

/**
 * The cache file's `generated` table as a memo, so that generated answers survive the process and
 * every simulator serving the file gives the same one (SQLite's lock serialises writers; the first
 * row for a key wins). Nothing is written until the first answer is stored: a file that only ever
 * had misses answered from the memo, or none at all, keeps its exported bytes.
 */
export class CacheFileGeneratedMemo implements GeneratedAnswerMemo {
  private readonly db: Database.Database;
  private select: Database.Statement<[string, string, string], GeneratedRow>;
  private migrated = false;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.select = this.prepareSelect();
  }

  /** Opens a cache file for reading and writing generated answers; the file must be writable. */
  static open(path: string): CacheFileGeneratedMemo {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
      // SQLite writes its journal beside the file.
      accessSync(dirname(path), constants.W_OK);
    } catch {
      throw new SimulatorCacheError(
        path,
        `simulator cache ${path} (or its directory) is not writable, and generated answers are stored in it: make both writable, or copy the dataset somewhere writable`,
      );
    }
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: true });
    } catch (error) {
      throw new SimulatorCacheError(path, `simulator cache ${path} cannot be opened (${(error as Error).message}): export the dataset again`);
    }
    try {
      checkFormat(db, path);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return new CacheFileGeneratedMemo(path, db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async get(key: GenerationKey): Promise<GeneratedAnswer | undefined> {
    const row = this.select.get(key.tool, key.canonical, key.state);
    return row && answerFromRow(row);
  }

  async put(key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer> {
    this.migrate();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO generated (tool, arguments_canonical, state_key, model, result_json, is_error, examples_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key.tool, key.canonical, key.state, answer.model, JSON.stringify(answer.result), answer.isError ? 1 : 0, JSON.stringify(answer.examples));
    return answerFromRow(this.select.get(key.tool, key.canonical, key.state)!);
  }

  /** How many generated answers the file holds. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM generated').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }

  private columns(): Set<string> {
    return new Set((this.db.prepare('PRAGMA table_info(generated)').all() as Array<{ name: string }>).map((c) => c.name));
  }

  /** Missing columns read as NULL, so a file with the older layout answers from its rows too. */
  private prepareSelect(): Database.Statement<[string, string, string], GeneratedRow> {
    const columns = this.columns();
    if (columns.size === 0) {
      throw new SimulatorCacheError(this.path, `simulator cache ${this.path} has no generated table: export the dataset again with this version`);
    }
    const optional = ADDED_COLUMNS.map(([name]) => (columns.has(name) ? name : `NULL AS ${name}`)).join(', ');
    return this.db.prepare(
      `SELECT model, result_json, ${optional} FROM generated WHERE tool = ? AND arguments_canonical = ? AND state_key = ? ORDER BY rowid LIMIT 1`,
    );
  }

  private migrate(): void {
    if (this.migrated) return;
    // Checked under the write lock: another process serving the same file may have just added them.
    this.db
      .transaction(() => {
        const columns = this.columns();
        for (const [name, ddl] of ADDED_COLUMNS) if (!columns.has(name)) this.db.exec(`ALTER TABLE generated ADD COLUMN ${ddl}`);
      })
      .immediate();
    this.select = this.prepareSelect();
    this.migrated = true;
  }
}

function answerFromRow(row: GeneratedRow): GeneratedAnswer {
  const result = JSON.parse(row.result_json) as GeneratedAnswer['result'];
  return {
    result,
    isError: row.is_error === null ? result.isError === true : row.is_error === 1,
    model: row.model,
    examples: row.examples_json === null ? [] : (JSON.parse(row.examples_json) as ExampleSource[]),
  };
}
