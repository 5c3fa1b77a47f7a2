/**
 * `npm run bench:workers`: the same runs (memory and taskmanager at once, on one task queue) with one
 * and two worker processes, on the SQLite store and on PostgreSQL (postgres-dev.sh's, or FIREFLY_STORE_URL),
 * and prints JSON figures: wall time and calls per second of each, and the ratios between them.
 * Two SQLite workers share one file (one machine); two PostgreSQL workers share only the database.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig, type RuntimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import type { RunSummary } from '../src/api.js';
import { openStore } from '../src/store/open-store.js';
import { startWorkerProcess } from '../test/helpers/worker-process.js';

const SERVERS = ['memory', 'taskmanager'];
const SUB_DAGS = Number(process.env.BENCH_SUB_DAGS ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
const postgresUrl = process.env.FIREFLY_STORE_URL
  || (execFileSync('bash', [resolve(PROJECT_ROOT, 'postgres-dev.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] }),
  execFileSync('bash', [resolve(PROJECT_ROOT, 'postgres-dev.sh'), 'url'], { encoding: 'utf8' }).trim());

interface Figures { store: 'sqlite' | 'postgres'; workers: number; calls: number; wallSeconds: number; callsPerSecond: number }

async function measure(store: Figures['store'], workers: number): Promise<Figures> {
  const label = `bench-workers-${store}-${workers}-${Date.now()}`;
  const sharedDir = mkdtempSync(join(tmpdir(), `${label}-`));
  const machine = (i: number): RuntimeConfig => ({
    ...runtimeConfig({
      // SQLite is one machine's store: its workers share the data directory. PostgreSQL's share nothing else.
      FIREFLY_DATA_DIR: store === 'sqlite' ? sharedDir : mkdtempSync(join(tmpdir(), `${label}-${i}-`)),
      FIREFLY_DATASETS_DIR: join(sharedDir, 'datasets'),
      ...(store === 'postgres' ? { FIREFLY_STORE_URL: postgresUrl } : {}),
    }),
    taskQueue: label,
  });
  const processes = await Promise.all(Array.from({ length: workers }, (_, i) => startWorkerProcess(machine(i))));
  const client = await connectClient(machine(0));
  const reader = await openStore(machine(0));
  try {
    const started = performance.now();
    const summaries = await Promise.all(SERVERS.map(async (server) => {
      const input = await readRunInput(resolve(PROJECT_ROOT, `examples/${server}.json`));
      const handle = await startRun(client, machine(0), `${label}-${server}`, { ...input, subDagCount: SUB_DAGS, maxConcurrentExplorations: CONCURRENCY });
      return (await handle.result()) as RunSummary;
    }));
    const wallSeconds = (performance.now() - started) / 1000;
    let calls = 0;
    for (const summary of summaries) calls += (await reader.listCalls(summary.runId)).length;
    return { store, workers, calls, wallSeconds: round(wallSeconds), callsPerSecond: round(calls / wallSeconds) };
  } finally {
    for (const worker of processes) worker.kill('SIGTERM');
    await client.connection.close();
    await reader.close();
  }
}

const results: Figures[] = [];
for (const store of ['sqlite', 'postgres'] as const) for (const workers of [1, 2]) results.push(await measure(store, workers));
const rate = (store: Figures['store'], workers: number) => results.find((r) => r.store === store && r.workers === workers)!.callsPerSecond;
console.log(JSON.stringify({
  machine: { cpus: cpus().length, node: process.version },
  settings: { servers: SERVERS, subDagsPerServer: SUB_DAGS, concurrency: CONCURRENCY, planner: 'offline' },
  runs: results,
  ratios: {
    twoWorkersOverOne: { sqlite: round(rate('sqlite', 2) / rate('sqlite', 1)), postgres: round(rate('postgres', 2) / rate('postgres', 1)) },
    postgresOverSqlite: { oneWorker: round(rate('postgres', 1) / rate('sqlite', 1)), twoWorkers: round(rate('postgres', 2) / rate('sqlite', 2)) },
  },
}, null, 2));
process.exit(0);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
