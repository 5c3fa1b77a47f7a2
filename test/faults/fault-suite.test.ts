/**
 * The fault suite (`npm run test:faults`): runs over the development fleet with faults injected at
 * points the seed picks, each compared item by item with the fault-free run of the same seed and
 * spec. Prints a table (and writes data/fault-report.json): fault, times injected, runs completed,
 * items lost, items duplicated.
 */
import type { Client } from '@temporalio/client';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import pg from 'pg';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { PROJECT_ROOT, type RuntimeConfig } from '../../src/config.js';
import { seededRandom } from '../../src/random.js';
import { startRun } from '../../src/run-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { fleetServerWorkflowId, subDagWorkflowId, type FleetSummary, type GenerateServerDatasetInput, type RunSummary } from '../../src/api.js';
import { safePathComponent } from '../../src/safe-path.js';
import { expectEveryStepOnce } from '../helpers/records.js';
import { connect, isolatedConfig, uniqueId } from '../helpers/temporal.js';
import { killed, startWorkerProcess } from '../helpers/worker-process.js';
import { renderTable, writeReport, type FaultRow, type FaultRunResult } from './fault-report.js';
import { faultPoints } from './fault-points.js';
import { proxiedInput, shapeKey, type FaultPlan, type ProxyFaultKind, type RunShape } from './proxied-run.js';
import { compareCounts, runCounts, type RunCounts } from './run-counts.js';

const SEEDS = [1, 2];
const SUB_DAGS = 6;
const WORKER_KILLS_PER_RUN = 5;
const STORE_LOCKS_PER_RUN = 2;
const STORE_LOCK_MS = 2_000;
// The suite runs on the store FIREFLY_STORE_URL names (PostgreSQL), else on SQLite: one report each.
const ON_POSTGRES = Boolean(process.env.FIREFLY_STORE_URL);
const REPORT_FILE = resolve(PROJECT_ROOT, ON_POSTGRES ? 'data/fault-report-postgres.json' : 'data/fault-report.json');
const HOLD_LOCK = resolve(PROJECT_ROOT, 'test/faults/fixtures/hold-lock.mjs');

/** The shapes runs take; each is explored fault-free once per seed, and every faulty run of that shape is compared with it. */
const shapes = {
  filesystem: { server: 'filesystem', subDagCount: SUB_DAGS },
  // Room for five worker kills, each costing a few calls, even when a new worker is slow to start.
  taskmanager: { server: 'taskmanager', subDagCount: 16 },
  // Faults that end in a lost reply wait for the call timeout: keep it short.
  memory: { server: 'memory', subDagCount: SUB_DAGS, callTimeoutMs: 1_500 },
  everything: { server: 'everything', subDagCount: SUB_DAGS, callTimeoutMs: 1_500 },
} satisfies Record<string, Omit<RunShape, 'seed'>>;

/** Where runs go and how their result is awaited. */
interface Env {
  config: RuntimeConfig;
  client: Client;
  /** Reads the env's store: another connection to the file the worker writes. */
  store: Store;
  /** How many calls the run has recorded, counted in SQL (cheap enough to poll). */
  callCount(runId: string): Promise<number>;
  result(runId: string): Promise<RunSummary>;
}

/**
 * What a fault does to a run while it is going: resolves to where it hit, once per injection (the
 * run's recorded calls at that moment; for the proxy, the number of the call it hit).
 */
type Injector = (run: { runId: string; planFile: string; baseline: Baseline; closed: () => boolean; done: Promise<unknown> }) => Promise<number[]>;

interface Baseline {
  runId: string;
  counts: RunCounts;
  /** Calls the run recorded in all (probe, setup and exploration), and how many of them were the probe's. */
  calls: number;
  probeCalls: number;
}

const rows: FaultRow[] = [];
const suiteStarted = Date.now();
const cleanups: Array<() => Promise<unknown> | unknown> = [];

// Baselines and the MCP server faults share one worker. Every worker is a process of its own, so
// that this one, which only watches and injects, acts on time.
let sharedEnv: ProcessEnv;

beforeAll(async () => {
  sharedEnv = await processEnv('faults');
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((error: unknown) => console.warn('cleanup:', error));
  const wallSeconds = Math.round((Date.now() - suiteStarted) / 1000);
  rows.sort((a, b) => ORDER.indexOf(a.fault) - ORDER.indexOf(b.fault));
  writeReport(REPORT_FILE, rows, wallSeconds);
  console.log(`\nfault suite on ${ON_POSTGRES ? 'PostgreSQL' : 'SQLite'} (${wallSeconds} s)\n${renderTable(rows)}\nreport: ${REPORT_FILE}\n`);
});

const baselines = new Map<string, Promise<Baseline>>();

/** The fault-free run of a shape, through the proxy with an empty plan; run once and shared. */
function baselineOf(shape: RunShape): Promise<Baseline> {
  const key = shapeKey(shape);
  let baseline = baselines.get(key);
  if (!baseline) {
    baseline = (async () => {
      const runId = uniqueId(`baseline-${shape.server}-s${shape.seed}`);
      const input = await proxiedInput(shape, planFileOf(sharedEnv.config, runId), { faults: [] });
      await startRun(sharedEnv.client, sharedEnv.config, runId, input);
      const summary = await sharedEnv.result(runId);
      if (summary.subDags.explored !== summary.subDags.total) throw new Error(`baseline ${runId} explored ${summary.subDags.explored} of ${summary.subDags.total}`);
      const counts = await runCounts(sharedEnv.store, runId, summary.dataset.dir);
      // A comparison with nothing in it would prove nothing.
      if (summary.dataset.tasks === 0 || counts.simulatorCalls === 0) throw new Error(`baseline ${runId} exported no tasks or no calls`);
      const probeCalls = [...counts.calls.keys()].filter((k) => k.startsWith('-1/')).length;
      return { runId, counts, calls: counts.calls.size, probeCalls };
    })();
    baselines.set(key, baseline);
  }
  return baseline;
}

function planFileOf(config: RuntimeConfig, runId: string): string {
  const dir = join(config.dataDir, 'plans');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${runId}.json`);
}

/**
 * One faulty run: started with `plan`, `inject` running beside it, then compared with the baseline
 * of the same shape. Records the result for the table before anything is asserted.
 */
async function faultyRun(
  env: Env,
  shape: RunShape,
  label: string,
  plan: (baseline: Baseline) => FaultPlan,
  inject: Injector,
  /** Settings that change how a run goes, not what it records (such as how many sub-DAGs run at once). */
  pace: Pick<GenerateServerDatasetInput, 'maxConcurrentExplorations'> = {},
): Promise<FaultRunResult> {
  const baseline = await baselineOf(shape);
  const runId = uniqueId(`fault-${label}-s${shape.seed}`);
  const planFile = planFileOf(env.config, runId);
  const started = Date.now();
  await startRun(env.client, env.config, runId, { ...(await proxiedInput(shape, planFile, plan(baseline))), ...pace });
  let closed = false;
  const outcome = env.result(runId).then(
    (summary) => ({ summary, error: undefined }),
    (error: unknown) => ({ summary: undefined, error: String(error) }),
  );
  void outcome.then(() => (closed = true));
  const hitAt = await inject({ runId, planFile, baseline, closed: () => closed, done: outcome });
  const injected = hitAt.length;
  const { summary, error } = await outcome;
  const completed = summary !== undefined && summary.subDags.explored === summary.subDags.total && summary.subDags.failed.length === 0;
  const counts = await runCounts(env.store, runId, summary?.dataset.dir);
  const diff = compareCounts(baseline.counts, counts);
  const retries = await activityRetries(env.client, runId, summary?.subDags.total ?? 0);
  // A huge reply is a real answer: it must be in the store in full, not cut or dropped.
  const hugeExpected = plan(baseline).faults.filter((f) => f.kind === 'huge').length > 0 ? injected : 0;
  if (counts.hugeResults < hugeExpected) diff.lost['huge results'] = hugeExpected - counts.hugeResults;
  if (counts.hugeResults > hugeExpected) diff.duplicated['huge results'] = counts.hugeResults - hugeExpected;
  return {
    seed: shape.seed,
    runId,
    baselineRunId: baseline.runId,
    injected,
    hitAt,
    completed,
    activityRetries: retries,
    diff,
    compared: {
      calls: baseline.calls,
      'verified tasks': [...baseline.counts.verifiedTasks.values()].reduce((a, b) => a + b, 0),
      'exported lines': [...baseline.counts.exportedLines.values()].reduce((a, b) => a + b, 0),
      'simulator calls': baseline.counts.simulatorCalls,
    },
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    ...(error ? { error } : {}),
  };
}

async function expectClean(expect: ExpectStatic, env: Env, row: FaultRow, perRun: number): Promise<void> {
  for (const run of row.runs) {
    const what = `${row.fault} seed ${run.seed} (${run.runId})`;
    expect(run.error, what).toBeUndefined();
    expect(run.completed, what).toBe(true);
    expect(run.injected, `${what}: times injected`).toBe(perRun);
    expect(run.diff.lost, `${what}: lost`).toEqual({});
    expect(run.diff.duplicated, `${what}: duplicated`).toEqual({});
    expect(run.diff.changedCalls, `${what}: calls that differ from the baseline's`).toEqual([]);
    await expectEveryStepOnce(env.store, run.runId);
  }
}

/** Activity attempts beyond the first in the run's history and its sub-DAG children's: where a fault cost a retry. */
async function activityRetries(client: Client, runId: string, subDags: number): Promise<number> {
  let retries = 0;
  for (const id of [runId, ...Array.from({ length: subDags }, (_, i) => subDagWorkflowId(runId, i))]) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    for (const event of history.events ?? []) retries += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
  }
  return retries;
}

/** Waits until the run has recorded `calls` calls (or has closed); false if it closed first. */
async function reached(env: Env, runId: string, calls: number, closed: () => boolean): Promise<boolean> {
  for (;;) {
    if ((await env.callCount(runId)) >= calls) return true;
    if (closed()) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Exploration points strictly after the probe and well before the last call (not in the verify or export stage). */
function explorationPoints(label: string, seed: number, count: number, baseline: Baseline): number[] {
  return faultPoints(label, seed, count, baseline.probeCalls + 1, Math.floor(baseline.calls * 0.85));
}

const ORDER = ['worker SIGKILL ×5', 'dev-server restart', 'fleet: worker SIGKILL ×2 + dev-server restart', 'MCP server killed mid-call', 'MCP server hangs', 'garbage line on stdout', 'huge output (> 5 MB)', 'store locked 2 s ×2'];

// The proxy's faults: the seed picks which tools/call of the run (counted across every server
// process of the run, probe and setup calls included) gets it.
const proxyFaults: Array<{ fault: string; kind: ProxyFaultKind; shape: keyof typeof shapes; note: string }> = [
  {
    fault: 'MCP server killed mid-call',
    kind: 'kill',
    shape: 'filesystem',
    note: 'the server runs call N, then it and the proxy are SIGKILLed before the reply is relayed; the activity retry resumes at that step on a fresh process, on the sandbox as it was before the call',
  },
  {
    fault: 'MCP server hangs',
    kind: 'hang',
    shape: 'everything',
    note: 'the server runs call N and its reply is swallowed (callTimeoutMs 1500); the call is asked again on a fresh process, on the sandbox as it was before the call, and answered: transient, so nothing is recorded as a timeout',
  },
  {
    fault: 'garbage line on stdout',
    kind: 'garbage',
    shape: 'memory',
    note: 'the server runs call N and a truncated, non-JSON line replaces its reply (callTimeoutMs 1500): the transport skips it, the call times out and is asked again as for a hang',
  },
  {
    fault: 'huge output (> 5 MB)',
    kind: 'huge',
    shape: 'taskmanager',
    note: 'the real reply to call N padded past 5 MB without changing its value (whitespace after the JSON of its text, else a _meta field): a real answer, recorded in full (one stored result ≥ 5 MB per injection is checked; a missing one counts as lost), so every count equals the baseline\'s',
  },
];

describe.concurrent('the fault suite over the development fleet', () => {
  for (const { fault, kind, shape, note } of proxyFaults) {
    it(`${fault} (${shapes[shape].server})`, async ({ expect }) => {
      const row: FaultRow = { fault, server: shapes[shape].server, note, runs: [] };
      rows.push(row);
      row.runs = await Promise.all(
        SEEDS.map((seed) =>
          faultyRun(
            sharedEnv,
            { ...shapes[shape], seed },
            kind,
            (baseline) => ({ faults: faultPoints(kind, seed, 1, 1, baseline.calls).map((at) => ({ at, kind })) }),
            async ({ planFile, done }) => {
              await done;
              const fired = `${planFile}.fired`;
              if (!existsSync(fired)) return [];
              return readFileSync(fired, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { at: number }).at);
            },
          ),
        ),
      );
      await expectClean(expect, sharedEnv, row, 1);
      // A killed server fails the episode's activity, which resumes on its retry.
      if (kind === 'kill') for (const run of row.runs) expect(run.activityRetries, `${fault} seed ${run.seed}: activity retries`).toBeGreaterThan(0);
    });
  }

  it('worker SIGKILL ×5 (taskmanager)', async ({ expect }) => {
    const row: FaultRow = {
      fault: 'worker SIGKILL ×5',
      server: 'taskmanager',
      note: `the worker process is SIGKILLed ${WORKER_KILLS_PER_RUN} times per run and replaced at once by a new one; each kill comes once the worker it hits has recorded 1-3 (seed-picked) calls of the exploration, so that it dies with episodes in flight (2 sub-DAGs at once, so that the run lasts through five kills: how many run at once does not change what is recorded)`,
      runs: [],
    };
    rows.push(row);
    // One task queue and worker chain per seed, so that each kill hits one run.
    const envs = await Promise.all(SEEDS.map(() => processEnv('faults-kill')));
    row.runs = await Promise.all(
      SEEDS.map((seed, i) => {
        const env = envs[i]!;
        return faultyRun(env, { ...shapes.taskmanager, seed }, 'worker-kill', () => ({ faults: [] }), async ({ runId, baseline, closed }) => {
          const random = seededRandom(`worker-kill/${seed}`);
          // Counting from the end of the probe: the worker killed first is the one exploring.
          let from = baseline.probeCalls;
          const kills: number[] = [];
          while (kills.length < WORKER_KILLS_PER_RUN) {
            if (!(await reached(env, runId, from + 1 + Math.floor(random() * 3), closed))) break;
            const worker = env.worker();
            worker.kill('SIGKILL');
            kills.push(await env.callCount(runId));
            await killed(worker);
            await env.replaceWorker();
            from = Math.max(from, await env.callCount(runId));
          }
          return kills;
        }, { maxConcurrentExplorations: 2 });
      }),
    );
    for (const [i, run] of row.runs.entries()) await expectClean(expect, envs[i]!, { ...row, runs: [run] }, WORKER_KILLS_PER_RUN);
    // The kills interrupted work: activities timed out on the dead workers and ran again.
    for (const run of row.runs) expect(run.activityRetries, `${row.fault} seed ${run.seed}: activity retries`).toBeGreaterThan(0);
  });

  it('dev-server restart (memory)', async ({ expect }) => {
    const row: FaultRow = {
      fault: 'dev-server restart',
      server: 'memory',
      note: 'a dev server of the suite\'s own (port 7433, its own temporal.sqlite) is stopped and started again on the same SQLite file when the store holds a seed-picked number of calls',
      runs: [],
    };
    rows.push(row);
    const env = await restartEnv();
    // One seed after the other: a restart would otherwise hit both runs.
    for (const seed of SEEDS) {
      row.runs.push(
        await faultyRun(env, { ...shapes.memory, seed }, 'restart', () => ({ faults: [] }), async ({ runId, baseline, closed }) => {
          const [at] = explorationPoints('restart', seed, 1, baseline);
          if (!(await reached(env, runId, at!, closed))) return [];
          const hit = await env.callCount(runId);
          env.devServer('stop');
          env.devServer('start');
          return [hit];
        }),
      );
    }
    await expectClean(expect, env, row, 1);
  });

  it(`store locked ${STORE_LOCK_MS / 1000} s ×${STORE_LOCKS_PER_RUN} (filesystem)`, async ({ expect }) => {
    const row: FaultRow = {
      fault: `store locked ${STORE_LOCK_MS / 1000} s ×${STORE_LOCKS_PER_RUN}`,
      server: 'filesystem',
      note: ON_POSTGRES
        ? `another process holds LOCK TABLE calls IN EXCLUSIVE MODE on the PostgreSQL store for ${STORE_LOCK_MS} ms, ${STORE_LOCKS_PER_RUN} times per run at seed-picked points; the worker's writes wait`
        : `another process holds BEGIN EXCLUSIVE on the run's SQLite file for ${STORE_LOCK_MS} ms, ${STORE_LOCKS_PER_RUN} times per run at seed-picked points; the worker is a process of its own, whose writes wait (busy_timeout 10 s)`,
      runs: [],
    };
    rows.push(row);
    const envs = await Promise.all(SEEDS.map(() => processEnv('faults-lock')));
    row.runs = await Promise.all(
      SEEDS.map((seed, i) => {
        const env = envs[i]!;
        return faultyRun(env, { ...shapes.filesystem, seed }, 'store-lock', () => ({ faults: [] }), async ({ runId, baseline, closed }) => {
          const locks: number[] = [];
          for (const at of explorationPoints('store-lock', seed, STORE_LOCKS_PER_RUN, baseline)) {
            if (!(await reached(env, runId, at, closed))) break;
            const hit = await env.callCount(runId);
            if ((await holdLock(env.config.storeUrl ?? env.config.storePath, STORE_LOCK_MS)) >= STORE_LOCK_MS) locks.push(hit);
          }
          return locks;
        });
      }),
    );
    for (const [i, run] of row.runs.entries()) await expectClean(expect, envs[i]!, { ...row, runs: [run] }, STORE_LOCKS_PER_RUN);
  });
});

// After the others, alone: a fleet's worker kills must not race the other faults' load.
describe('the fault suite over a fleet', () => {
  it('fleet: worker SIGKILL ×2 + dev-server restart (memory, hello-world, across them)', async ({ expect }) => {
    const row: FaultRow = {
      fault: 'fleet: worker SIGKILL ×2 + dev-server restart',
      server: 'memory + hello-world',
      note: `a fleet of two servers and their composite, on a dev server of its own (port ${FLEET_RESTART_PORT}): the worker is SIGKILLed once memory's run explores and again a few calls after the fleet went on, then the dev server is restarted a few calls later; each of the three runs and the fleet dataset are compared with a fault-free fleet of the same seed`,
      runs: [],
    };
    rows.push(row);
    const env = await restartEnv(FLEET_RESTART_PORT);
    // One server at a time, so that each kill finds its server's run exploring.
    const fleet = { servers: ['examples/memory.json', 'examples/generality/hello-world.json'].map((file) => ({ file, subDagCount: 8 })), maxConcurrentServers: 1 };
    const runFleet = async (fleetId: string, inject: (runIds: string[], done: Promise<unknown>) => Promise<number[]>) => {
      const started = Date.now();
      await env.client.workflow.start('generateFleetDataset', { taskQueue: env.config.taskQueue, workflowId: fleetId, args: [fleet] });
      const outcome = resultSurvivingOutage<FleetSummary>(env.client, fleetId).then((summary) => ({ summary, error: undefined }), (error: unknown) => ({ summary: undefined, error: String(error) }));
      const hitAt = await inject(['memory', 'hello-world'].map((name) => fleetServerWorkflowId(fleetId, name)), outcome);
      return { ...(await outcome), hitAt, wallSeconds: Math.round((Date.now() - started) / 100) / 10 };
    };
    const countsOf = async (summary: FleetSummary) =>
      Promise.all([...summary.servers, ...summary.crossServer].map((run) => runCounts(env.store, run.runId, join(env.config.datasetRoot, safePathComponent(run.runId, 'runId')))));
    const baseline = await runFleet(uniqueId('fleet-baseline'), async () => []);
    if (!baseline.summary) throw new Error(`the fault-free fleet failed: ${baseline.error}`);
    const faulty = await runFleet(uniqueId('fleet-fault'), async ([memory, hello], done) => {
      let closed = false;
      void done.then(() => (closed = true));
      const fleetId = memory!.replace(/\/memory$/, '');
      // Every call the fleet's runs recorded, the composite's included once it exists.
      const fleetCalls = async () => {
        const cross = (await env.store.listRuns(`${fleetId}/cross-server-`)).map((r) => r.runId);
        const counts = await Promise.all([memory!, hello!, ...cross].map((runId) => env.callCount(runId)));
        return counts.reduce((a, b) => a + b, 0);
      };
      const grown = async (calls: number) => {
        while (!closed && (await fleetCalls()) < calls) await new Promise((r) => setTimeout(r, 50));
        return !closed;
      };
      const hits: number[] = [];
      // The first kill once memory's run explores; the second and the restart a few calls after the
      // fleet went on again, wherever it then is (a new worker may take a while to say it is ready).
      if (!(await reached(env, memory!, 12, () => closed))) return hits;
      for (const fault of ['kill', 'kill', 'restart'] as const) {
        if (fault === 'kill') {
          hits.push(await fleetCalls());
          const worker = env.worker();
          worker.kill('SIGKILL');
          await killed(worker);
          await env.replaceWorker();
        } else {
          hits.push(await fleetCalls());
          env.devServer('stop');
          env.devServer('start');
        }
        if (hits.length < 3 && !(await grown((await fleetCalls()) + 3))) break;
      }
      return hits;
    });
    const base = await countsOf(baseline.summary);
    const seen = faulty.summary ? await countsOf(faulty.summary) : [];
    const diffs = base.map((counts, i) => compareCounts(counts, seen[i] ?? { calls: new Map(), verifiedTasks: new Map(), exportedLines: new Map(), simulatorCalls: 0, hugeResults: 0 }));
    const merged = { lost: mergedCounts(diffs.map((d) => d.lost)), duplicated: mergedCounts(diffs.map((d) => d.duplicated)), changedCalls: diffs.flatMap((d) => d.changedCalls) };
    if (faulty.summary && faulty.summary.dataset.tasks !== baseline.summary.dataset.tasks) merged.lost['fleet tasks'] = baseline.summary.dataset.tasks - faulty.summary.dataset.tasks;
    row.runs.push({
      seed: 1,
      runId: faulty.summary?.fleetId ?? 'failed',
      baselineRunId: baseline.summary.fleetId,
      injected: faulty.hitAt.length,
      hitAt: faulty.hitAt,
      completed: faulty.summary !== undefined && faulty.summary.servers.every((s) => s.status === 'done') && faulty.summary.crossServer.every((s) => s.status === 'done'),
      activityRetries: 0,
      diff: merged,
      compared: { calls: base.reduce((sum, c) => sum + c.calls.size, 0), 'fleet tasks': baseline.summary.dataset.tasks },
      wallSeconds: faulty.wallSeconds,
      ...(faulty.error ? { error: faulty.error } : {}),
    });
    const run = row.runs[0]!;
    expect(run.error).toBeUndefined();
    expect(run.completed).toBe(true);
    expect(run.injected, 'two kills and a restart').toBe(3);
    expect(run.diff.lost).toEqual({});
    expect(run.diff.duplicated).toEqual({});
    expect(run.diff.changedCalls).toEqual([]);
    for (const child of [...faulty.summary!.servers, ...faulty.summary!.crossServer]) await expectEveryStepOnce(env.store, child.runId);
  });

});

interface ProcessEnv extends Env {
  worker(): ChildProcess;
  replaceWorker(): Promise<void>;
}

/** A worker in a process of its own (it can be killed, or blocked by the store) on a task queue and store of its own. */
async function processEnv(label: string, address?: string): Promise<ProcessEnv> {
  const config = isolatedConfig(label, address);
  let current = await startWorkerProcess(config);
  cleanups.push(() => current.kill('SIGKILL'));
  const client = await connect(config);
  const store = await openStore(config);
  const counter = callCounter(config);
  cleanups.push(() => client.connection.close(), () => store.close(), () => counter.close());
  return {
    config,
    client,
    store,
    callCount: counter.count,
    result: (id) => (address ? resultSurvivingOutage(client, id) : (client.workflow.getHandle(id).result() as Promise<RunSummary>)),
    worker: () => current,
    replaceWorker: async () => {
      current = await startWorkerProcess(config);
    },
  };
}

const RESTART_PORT = 7433;
const FLEET_RESTART_PORT = 7533;

interface RestartEnv extends ProcessEnv {
  devServer(command: 'start' | 'stop'): void;
}

/** A dev server of the suite's own (it is stopped mid-run; its data in a directory of its own), and a worker on it. */
async function restartEnv(port = RESTART_PORT): Promise<RestartEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'firefly-faults-temporal-'));
  const serverEnv = { ...process.env, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(port + 1000), FIREFLY_DATA_DIR: dataDir };
  const devServer = (command: 'start' | 'stop') => execDevServer(command, serverEnv);
  devServer('start');
  cleanups.push(() => devServer('stop'));
  return { ...(await processEnv('faults-restart', `127.0.0.1:${port}`)), devServer };
}

function mergedCounts(items: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const item of items) for (const [key, n] of Object.entries(item)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

function execDevServer(command: 'start' | 'stop', env: NodeJS.ProcessEnv): void {
  const result = spawnSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), command], { env, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`temporal-dev.sh ${command} failed (${result.error?.message ?? result.status}): ${result.stdout}${result.stderr}`);
}

/** The result of a run (or a fleet), asked again while the server is away. */
async function resultSurvivingOutage<T = RunSummary>(client: Client, workflowId: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as T;
    } catch (error) {
      if (attempt > 60 || (error as Error).name === 'WorkflowFailedError') throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** Counts a run's calls in SQL on the store the worker writes, beside the Store (which reads whole rows). */
function callCounter(config: RuntimeConfig): { count(runId: string): Promise<number>; close(): Promise<void> } {
  if (config.storeUrl) {
    const pool = new pg.Pool({ connectionString: config.storeUrl, max: 1 });
    return {
      count: async (runId) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM calls WHERE run_id = $1', [runId])).rows[0]!.n,
      close: () => pool.end(),
    };
  }
  const db = new Database(config.storePath, { readonly: true, fileMustExist: true });
  const count = db.prepare('SELECT count(*) AS n FROM calls WHERE run_id = ?');
  return { count: async (runId) => (count.get(runId) as { n: number }).n, close: async () => void db.close() };
}

/** Holds the store's write lock (`target`: the SQLite file or the PostgreSQL URL) from another process for `ms`; resolves to how long it was held. */
function holdLock(target: string, ms: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HOLD_LOCK, target, String(ms)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => {
      const held = /released (\d+)/.exec(output);
      if (code === 0 && held) done(Number(held[1]));
      else fail(new Error(`hold-lock exited with ${code}: ${output}`));
    });
  });
}
