import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { readSimulatorCache } from '../../src/simulator/cache-file.js';
import type { RunSummary } from '../../src/api.js';
import { connect, isolatedConfig, uniqueId } from '../helpers/temporal.js';
import { killed, startWorkerProcess } from '../helpers/worker-process.js';
import { waitFor } from '../helpers/records.js';

/** Every file the manifest lists has the sha256 it says. */
function expectManifestHolds(dir: string): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
  expect(Object.keys(manifest.files).length).toBeGreaterThanOrEqual(7);
  for (const [name, { sha256 }] of Object.entries(manifest.files)) {
    expect(createHash('sha256').update(readFileSync(join(dir, name))).digest('hex'), name).toBe(sha256);
  }
}

describe('a worker killed during an export', () => {
  const config = isolatedConfig('export-kill');
  const workers: ChildProcess[] = [];
  let client: Client;

  beforeAll(async () => {
    client = await connect(config);
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await client?.connection.close();
  });

  it('leaves the previous dataset whole: it loads, and its files match its manifest', async () => {
    workers.push(await startWorkerProcess(config));
    const input = { ...(await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'))), subDagCount: 3 };
    const workflowId = uniqueId('export-kill');
    const first = (await (await startRun(client, config, workflowId, input)).result()) as RunSummary;
    const dir = first.dataset.dir;
    expectManifestHolds(dir);

    // Starting the finished run again verifies and exports again: kill the worker while the new dataset is being written.
    let caught = false;
    for (let attempt = 0; attempt < 5 && !caught; attempt++) {
      const again = await startRun(client, config, workflowId, input);
      const closed = again.result().then(() => true, () => true);
      await waitFor(async () => existsSync(`${dir}.staging`) || (await Promise.race([closed, Promise.resolve(false)])), 60_000, 1);
      if (!existsSync(`${dir}.staging`)) continue;
      workers.at(-1)!.kill('SIGKILL');
      await killed(workers.at(-1)!);
      caught = true;
    }
    expect(caught).toBe(true);
    expectManifestHolds(dir);
    expect(readSimulatorCache(join(dir, 'simulator.sqlite')).entries.length).toBeGreaterThan(0);

    // A new worker finishes the run: the new dataset is swapped in whole, and nothing is left beside it.
    workers.push(await startWorkerProcess(config));
    const summary = (await client.workflow.getHandle(workflowId).result()) as RunSummary;
    expect(summary.dataset.tasks).toBe(first.dataset.tasks);
    expectManifestHolds(dir);
    expect(existsSync(`${dir}.staging`)).toBe(false);
    expect(existsSync(`${dir}.previous`)).toBe(false);
    // The retry waits out the export's heartbeat timeout (2 minutes) before another worker takes it.
  }, 300_000);
});
