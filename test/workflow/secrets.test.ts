import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JsonObject } from '../../src/domain.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { subDagWorkflowId, type RunSummary } from '../../src/api.js';
import { captureLogs } from '../helpers/log-capture.js';
import { filesUnder, historyEvents, holds, logText, type EventText } from '../helpers/secret-search.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

// Planted before the worker starts; unique per run, so that any occurrence found is this test's.
const FROM_ENV = { FIREFLY_TEST_SECRET: `sk-test-${randomBytes(16).toString('hex')}`, FIREFLY_TEST_OPAQUE: `opaque-${randomBytes(8).toString('hex')}` };
Object.assign(process.env, FROM_ENV);
/** Read from the worker with ${env:…}: they must appear nowhere at all. */
const ENV_SECRETS = Object.values(FROM_ENV);
/** Written into the spec: the workflow input holds them, so they may appear there (and in the run's record) only. */
const LITERAL_PASSWORD = `literal-pw-${randomBytes(8).toString('hex')}`;
const LITERAL_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const LITERALS = [LITERAL_PASSWORD, LITERAL_TOKEN];

const logs = captureLogs();

/**
 * Secrets passed to a real server through its environment, and the server's get-env tool, which
 * returns that environment: nothing of them may reach the store, the dataset, Temporal's
 * histories or the worker's log, except a literal's copies in the workflow input the user wrote.
 */
describe('secrets', () => {
  const { config, worker, client } = useTestWorker('secrets');

  it('are redacted in recorded calls, the store, the dataset, every history and the log', async () => {
    const example = await readRunInput(resolve(PROJECT_ROOT, 'examples/everything.json'));
    const base = example.server as JsonObject & { exclude: string[] };
    const server = {
      ...base,
      exclude: base.exclude.filter((tool) => tool !== 'get-env'),
      env: {
        API_TOKEN: '${env:FIREFLY_TEST_SECRET}',
        UPSTREAM_SETTING: '${env:FIREFLY_TEST_OPAQUE}',
        SERVICE_PASSWORD: LITERAL_PASSWORD,
        MISC_SETTING: LITERAL_TOKEN,
        NOTES_PATH: '${sandbox}/notes.txt',
      },
    };
    const handle = await startRun(client(), config, uniqueId('secrets'), { server, subDagCount: 4, seed: 1 });
    const summary = (await handle.result()) as RunSummary;
    expect(summary.subDags.failed).toEqual([]);

    // get-env really ran, and its recorded environment has markers where the secrets were, configuration intact.
    const calls = await worker().store.listCalls(summary.runId);
    const getEnv = calls.filter((call) => call.tool === 'get-env' && !call.isError);
    expect(getEnv.length).toBeGreaterThan(0);
    for (const call of getEnv) {
      const printed = JSON.parse(((call.result as JsonObject).content as Array<{ text: string }>)[0]!.text) as Record<string, string>;
      expect(printed).toMatchObject({
        API_TOKEN: '[REDACTED]',
        UPSTREAM_SETTING: '[REDACTED]',
        SERVICE_PASSWORD: '[REDACTED]',
        MISC_SETTING: '[REDACTED]',
        NOTES_PATH: '${sandbox}/notes.txt',
      });
    }

    // The store: every row of every table, then every byte of its files (deleted pages, the WAL).
    const db = new Database(config.storePath, { readonly: true });
    const rowsHolding = (secret: string) => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      return tables.flatMap((table) =>
        (db.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>)
          .filter((row) => holds(JSON.stringify(row), secret))
          .map((row) => `${table}:${String(row.run_id)}`),
      );
    };
    for (const secret of ENV_SECRETS) expect(rowsHolding(secret), secret).toEqual([]);
    // A literal stays in the spec as written (the run must be able to start its server again), and nowhere else.
    for (const secret of LITERALS) expect(rowsHolding(secret), secret).toEqual([`runs:${summary.runId}`]);
    db.close();
    const storeFiles = ['', '-wal', '-shm'].map((suffix) => config.storePath + suffix).filter(existsSync);
    expect(storeFiles.some((file) => holds(readFileSync(file), LITERAL_PASSWORD)), 'the byte search finds what is there').toBe(true);

    // Every other file the run wrote: the exported dataset (simulator cache included), sandboxes.
    const dataFiles = filesUnder(config.dataDir).filter((file) => !storeFiles.includes(file));
    expect(dataFiles.some((file) => file.startsWith(summary.dataset.dir))).toBe(true);
    for (const file of [...storeFiles, ...dataFiles]) {
      const bytes = readFileSync(file);
      for (const secret of ENV_SECRETS) expect(holds(bytes, secret), `${secret} in ${file}`).toBe(false);
      if (!storeFiles.includes(file)) for (const secret of LITERALS) expect(holds(bytes, secret), `${secret} in ${file}`).toBe(false);
    }
    expect(readFileSync(resolve(summary.dataset.dir, 'simulator.sqlite')).includes('[REDACTED]')).toBe(true);

    // Temporal's histories: the run and every sub-DAG child, failures and payloads decoded.
    const histories = [
      { id: handle.workflowId, history: await handle.fetchHistory() },
      ...(await Promise.all(
        Array.from({ length: summary.subDags.total }, async (_, i) => {
          const id = subDagWorkflowId(handle.workflowId, i);
          return { id, history: await client().workflow.getHandle(id).fetchHistory() };
        }),
      )),
    ];
    expect(histories.length).toBe(5);
    for (const { id, history } of histories) expectOnlyInInput(historyEvents(history), id === handle.workflowId, id);
  });

  it('a server that prints its environment and exits: the run fails naming the error, not the secrets', async () => {
    const server = {
      name: 'leaky',
      command: 'node',
      args: ['-e', 'console.error(JSON.stringify(process.env)); process.exit(3)'],
      env: { API_TOKEN: '${env:FIREFLY_TEST_SECRET}', UPSTREAM_SETTING: '${env:FIREFLY_TEST_OPAQUE}', SERVICE_PASSWORD: LITERAL_PASSWORD },
    };
    const handle = await startRun(client(), config, uniqueId('leaky'), { server, subDagCount: 1 });
    await expect(handle.result()).rejects.toThrow();
    const events = historyEvents(await handle.fetchHistory());
    const failed = events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED')!;
    // The stderr tail is in the failure, with markers where the values were.
    expect(failed.text).toContain('exited with code 3');
    expect(failed.text).toContain('\\"API_TOKEN\\":\\"[REDACTED]\\"');
    expectOnlyInInput(events, true, handle.workflowId);
  });

  // Runs last (a file's tests run in order): the log of both runs above.
  it("the worker's log holds none of them", () => {
    logs.stop();
    expect(logs.entries.length).toBeGreaterThan(0);
    for (const entry of logs.entries) {
      const text = logText(entry);
      for (const secret of ENV_SECRETS) expect(holds(text, secret), `${secret} in a ${entry.level} log entry: ${entry.message}`).toBe(false);
      // The SDK's TRACE entries print raw task payloads: the workflow input, and the literals in it, may be there only.
      if (entry.level !== 'TRACE') for (const secret of LITERALS) expect(holds(text, secret), `${secret} in a ${entry.level} log entry: ${entry.message}`).toBe(false);
    }
    expect(logs.entries.some((e) => e.level === 'TRACE' && holds(logText(e), LITERAL_PASSWORD)), 'the log search sees payloads').toBe(true);
    expect(logs.entries.some((e) => e.message === 'Activity failed' && logText(e).includes('[REDACTED]')), 'the launch failure was logged').toBe(true);
    const warnings = logs.entries.filter((e) => e.level === 'WARN').map((e) => e.message);
    expect(warnings.filter((w) => w.includes('server.env.MISC_SETTING'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('server.env.SERVICE_PASSWORD'))).toHaveLength(2);
  });
});

/** No ${env:…} secret in any event; a literal only where the workflow input is (a run's start and its prepareRun), or nowhere in a child. */
function expectOnlyInInput(events: EventText[], isRun: boolean, id: string): void {
  for (const secret of ENV_SECRETS) expect(events.filter((e) => holds(e.text, secret)).map((e) => e.eventType), `${secret} in ${id}`).toEqual([]);
  for (const secret of LITERALS) {
    const where = events.filter((e) => holds(e.text, secret)).map((e) => `${e.eventType} ${e.activityType ?? ''}`.trim());
    const input = ['EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED prepareRun'];
    // The leaky run's spec has no LITERAL_TOKEN.
    expect(where, `${secret} in ${id}`).toEqual(isRun && where.length > 0 ? input : []);
  }
}
