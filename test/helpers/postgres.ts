import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PROJECT_ROOT } from '../../src/config.js';

/**
 * The PostgreSQL the tests use: FIREFLY_STORE_URL when set (CI sets it), else the development
 * cluster postgres-dev.sh starts (idempotent). A server that cannot start fails the test: no skip.
 */
export function testPostgresUrl(): string {
  if (process.env.FIREFLY_STORE_URL) return process.env.FIREFLY_STORE_URL;
  const script = `${PROJECT_ROOT}/postgres-dev.sh`;
  const started = spawnSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 120_000 });
  if (started.status !== 0) {
    throw new Error(`postgres-dev.sh start failed (exit ${started.status}); is Debian's postgresql installed?\n${started.stdout}${started.stderr}`);
  }
  return spawnSync('bash', [script, 'url'], { encoding: 'utf8' }).stdout.trim();
}

/** A schema of this test's own in the test database: the URL that selects it, and how to drop it. */
export async function freshSchema(baseUrl: string, label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `test_${label}_${randomUUID().slice(0, 8)}`.replace(/[^a-z0-9_]/g, '_');
  await withClient(baseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => withClient(baseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
