/**
 * Workers on two machines: two worker processes that share nothing but the Temporal server and a
 * PostgreSQL store (each its own FIREFLY_DATA_DIR, so its own sandboxes; one shared datasets path).
 */
import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { subDagWorkflowId, type RunSummary } from '../../src/api.js';
import { PROJECT_ROOT, type RuntimeConfig } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { freshSchema, testPostgresUrl } from '../helpers/postgres.js';
import { expectEveryStepOnce, waitFor } from '../helpers/records.js';
import { connect, isolatedConfig, uniqueId } from '../helpers/temporal.js';
import { killed, startWorkerProcess } from '../helpers/worker-process.js';

const SUB_DAGS = 24;
const SEED = 5;

/** A machine of its own: its own data directory, the shared store, datasets and task queue. */
function machine(label: string, shared: Pick<RuntimeConfig, 'storeUrl' | 'datasetRoot' | 'taskQueue'>): RuntimeConfig {
  return { ...isolatedConfig(label), ...shared };
}

/** Which worker completed each sub-DAG's episode, on which attempt, from the children's histories. */
async function episodeWorkers(client: Client, runId: string): Promise<Array<{ identity: string; attempt: number }>> {
  const identities: Array<{ identity: string; attempt: number }> = [];
  for (let i = 0; i < SUB_DAGS; i++) {
    const events = (await client.workflow.getHandle(subDagWorkflowId(runId, i)).fetchHistory()).events ?? [];
    const episodes = new Set(
      events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'exploreEpisode').map((e) => String(e.eventId)),
    );
    const completed = events.find((e) => episodes.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)));
    const started = events.find((e) => episodes.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)));
    identities.push({
      identity: completed?.activityTaskCompletedEventAttributes?.identity ?? 'none',
      attempt: started?.activityTaskStartedEventAttributes?.attempt ?? 0,
    });
  }
  return identities;
}

const identityOf = (worker: ChildProcess) => `${worker.pid}@${hostname()}`;

/** What a run recorded and wrote, without what differs between any two runs (IDs, latencies). */
async function datasetOf(store: Store, runId: string) {
  const calls = (await store.listCalls(runId)).map(({ subDagIndex, step, phase, tool, arguments: args, result, isError, links }) => ({
    subDagIndex, step, phase, tool, args, result, isError, links,
  }));
  const tasks = (await store.listTasks(runId)).map((t) => JSON.stringify([t.subDagIndex, t.instruction, t.groundTruth])).sort();
  return { calls, tasks };
}

describe('two workers on two machines sharing a PostgreSQL store', () => {
  const processes: ChildProcess[] = [];
  let dropSchema: () => Promise<void> = async () => undefined;
  let single: RuntimeConfig;
  let shared: Pick<RuntimeConfig, 'storeUrl' | 'datasetRoot' | 'taskQueue'>;
  let client: Client;
  let store: Store;
  let baseline: Awaited<ReturnType<typeof datasetOf>>;

  const run = async (config: RuntimeConfig) => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    return startRun(client, config, uniqueId('two-workers'), { ...input, subDagCount: SUB_DAGS, seed: SEED, maxConcurrentExplorations: 4 });
  };
  const spawnWorker = async (config: RuntimeConfig) => {
    const worker = await startWorkerProcess(config);
    processes.push(worker);
    return worker;
  };

  /** A sub-DAG whose episode the worker is running now, with some of its calls recorded. */
  async function episodeHalfDoneBy(identity: string, runId: string): Promise<number | undefined> {
    const done = new Set((await store.listEpisodes(runId)).filter((e) => e.status === 'done').map((e) => e.subDagIndex));
    const started = new Set((await store.listCalls(runId)).filter((c) => c.subDagIndex >= 0).map((c) => c.subDagIndex));
    for (const index of [...started].filter((i) => !done.has(i))) {
      const { raw } = await client.workflow.getHandle(subDagWorkflowId(runId, index)).describe();
      const pending = raw.pendingActivities?.find((p) => p.activityType?.name === 'exploreEpisode');
      if (pending?.lastWorkerIdentity === identity) return index;
    }
    return undefined;
  }

  beforeAll(async () => {
    const schema = await freshSchema(testPostgresUrl(), 'two_workers');
    dropSchema = schema.drop;
    const datasetRoot = mkdtempSync(join(tmpdir(), 'firefly-shared-datasets-'));
    single = { ...isolatedConfig('single-worker'), storeUrl: schema.url, datasetRoot };
    shared = { storeUrl: schema.url, datasetRoot, taskQueue: uniqueId('test-two-workers') };
    client = await connect(single);
    store = await openStore(single);
    // The single-worker run of the same seed: what both runs below must record and write.
    await spawnWorker(single);
    const summary = (await (await run(single)).result()) as RunSummary;
    expect(summary.subDags.explored).toBe(SUB_DAGS);
    baseline = await datasetOf(store, summary.runId);
  });
  afterAll(async () => {
    for (const worker of processes) worker.kill('SIGKILL');
    await client?.connection.close();
    await store?.close();
    await dropSchema();
  });

  it('runs episodes on both workers and records and writes what one worker does', async () => {
    const [a, b] = [await spawnWorker(machine('machine-a', shared)), await spawnWorker(machine('machine-b', shared))];
    const handle = await run({ ...single, ...shared });
    const summary = (await handle.result()) as RunSummary;
    expect(summary.subDags.failed).toEqual([]);
    const byWorker = await episodeWorkers(client, handle.workflowId);
    expect(new Set(byWorker.map((w) => w.identity))).toEqual(new Set([identityOf(a), identityOf(b)]));
    await expectEveryStepOnce(store, handle.workflowId);
    expect(await datasetOf(store, handle.workflowId)).toEqual(baseline);
    // The server's name is the run's fairness key, and its children inherit it.
    for (const id of [handle.workflowId, subDagWorkflowId(handle.workflowId, 0)]) {
      expect((await client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.priority?.fairnessKey, id).toBe('memory');
    }

    // Exported again from the other machine, to the shared path: the same bytes.
    const first = `${summary.dataset.dir}.first`;
    renameSync(summary.dataset.dir, first);
    const otherMachine = machine('machine-c', shared);
    const again = await createActivities(offlineActivityDeps(otherMachine, store)).exportDataset({ runId: handle.workflowId });
    const files = readdirSync(first).sort();
    expect(readdirSync(again.dir).sort()).toEqual(files);
    for (const name of files) expect(readFileSync(join(again.dir, name)).equals(readFileSync(join(first, name))), name).toBe(true);
    for (const worker of [a, b]) worker.kill('SIGKILL');
    await Promise.all([killed(a), killed(b)]);
  });

  it('with one worker SIGKILLed mid-run, the other finishes it: every step once, the same dataset', async () => {
    const [a, b] = [await spawnWorker(machine('machine-a', shared)), await spawnWorker(machine('machine-b', shared))];
    const handle = await run({ ...single, ...shared });
    // Kill A while it runs an episode that has calls recorded: the episode moves to B, which resumes
    // it at its next step on the sandbox snapshot A left in the store.
    await waitFor(async () => (await episodeHalfDoneBy(identityOf(a), handle.workflowId)) !== undefined, 120_000, 10);
    a.kill('SIGKILL');
    await killed(a);

    const summary = (await handle.result()) as RunSummary;
    expect(summary.subDags.failed).toEqual([]);
    const byWorker = await episodeWorkers(client, handle.workflowId);
    // Episodes A was running when it died were retried, and finished, on B.
    expect(byWorker.filter((w) => w.attempt > 1).map((w) => w.identity)).toContain(identityOf(b));
    expect(byWorker.map((w) => w.identity)).not.toContain('none');
    await expectEveryStepOnce(store, handle.workflowId);
    expect(await datasetOf(store, handle.workflowId)).toEqual(baseline);
  });
});
