import type { Client } from '@temporalio/client';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { RunSummary } from '../../src/api.js';
import { connect, isolatedConfig, uniqueId } from '../helpers/temporal.js';
import { killed, startWorkerProcess } from '../helpers/worker-process.js';
import { expectEveryStepOnce, waitFor } from '../helpers/records.js';

describe('a worker killed while explorations are in flight', () => {
  const config = isolatedConfig('kill');
  const workers: ChildProcess[] = [];
  let client: Client;
  let store: Store;

  beforeAll(async () => {
    client = await connect(config);
    store = await openStore(config);
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await client?.connection.close();
    await store?.close();
  });

  it('the run completes on a new worker, every (sub-DAG, step) recorded exactly once', async () => {
    workers.push(await startWorkerProcess(config));
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/taskmanager.json'));
    const handle = await startRun(client, config, uniqueId('kill'), { ...input, subDagCount: 16, maxConcurrentExplorations: 4 });

    // Kill once some sub-DAGs have calls recorded but are not finished: explorations in flight.
    await waitFor(async () => {
      const calls = await store.listCalls(handle.workflowId);
      const done = new Set((await store.listEpisodes(handle.workflowId)).filter((e) => e.status === 'done').map((e) => e.subDagIndex));
      return calls.some((c) => c.subDagIndex >= 0 && !done.has(c.subDagIndex));
    });
    workers[0]!.kill('SIGKILL');
    await killed(workers[0]!);
    const recordedAtKill = (await store.listCalls(handle.workflowId)).length;

    workers.push(await startWorkerProcess(config));
    const summary = (await handle.result()) as RunSummary;
    expect(summary.subDags.explored).toBe(summary.subDags.total);
    expect(summary.subDags.failed).toEqual([]);
    expect((await store.listCalls(handle.workflowId)).length).toBeGreaterThan(recordedAtKill);
    await expectEveryStepOnce(store, handle.workflowId);
  });
});
