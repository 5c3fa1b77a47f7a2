import type { Client } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { createFireflyWorker, type FireflyWorker } from '../../worker.js';
import { expectEveryStepOnce, waitFor } from '../helpers/records.js';
import { bundleWorkflows, connect, isolatedConfig, uniqueId } from '../helpers/temporal.js';

// A dev server of this test's own (other ports, its own SQLite file), since it is stopped mid-run.
const PORT = 7411;
const config = isolatedConfig('restart', `127.0.0.1:${PORT}`);
const serverEnv = { ...process.env, TEMPORAL_PORT: String(PORT), TEMPORAL_UI_PORT: String(PORT + 1000), FIREFLY_DATA_DIR: config.dataDir };
const devServer = (command: 'start' | 'stop') =>
  execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), command], { env: serverEnv, encoding: 'utf8', timeout: 120_000 });

/** The result of a run, asked again while the server is away. */
async function resultSurvivingOutage(client: Client, workflowId: string): Promise<RunSummary> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as RunSummary;
    } catch (error) {
      if (attempt > 30 || (error as Error).name === 'WorkflowFailedError') throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

describe('the dev server restarted mid-run', () => {
  let worker: FireflyWorker;
  let client: Client;

  beforeAll(async () => {
    devServer('start');
    worker = await createFireflyWorker(config, { workflowBundle: await bundleWorkflows() });
    client = await connect(config);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await client?.connection.close();
    devServer('stop');
  });

  it('the run completes on the same SQLite file', async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const handle = await startRun(client, config, uniqueId('restart'), { ...input, subDagCount: 16, maxConcurrentExplorations: 2 });
    await waitFor(async () => (await worker.store.listEpisodes(handle.workflowId)).some((e) => e.subDagIndex >= 0 && e.status === 'done'));

    devServer('stop');
    const doneWhileDown = (await worker.store.listEpisodes(handle.workflowId)).filter((e) => e.status === 'done').length;
    devServer('start');

    const summary = await resultSurvivingOutage(client, handle.workflowId);
    expect(summary.subDags.explored).toBe(summary.subDags.total);
    expect(doneWhileDown).toBeLessThan(summary.subDags.total);
    await expectEveryStepOnce(worker.store, handle.workflowId);
  });
});
