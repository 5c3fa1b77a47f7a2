import type pg from 'pg';
import { MIGRATIONS } from './postgres-schema.js';

/** Any fixed number: the advisory lock that serializes schema changes across every worker. */
const MIGRATION_LOCK = 0x46_49_52_45; // "FIRE"

/**
 * Applies the migrations this database has not seen, in one transaction under an advisory lock:
 * a second worker starting at the same moment waits, then finds them applied and changes nothing.
 * (CREATE TABLE IF NOT EXISTS alone is not safe here: two at once can both miss the table.)
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
       )`,
    );
    const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(applied.rows.map((row) => row.version));
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
