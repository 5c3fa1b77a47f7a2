/**
 * Records the history of a small generateServerDataset run into test/replay/histories/, for the
 * replay test: commit a new one whenever the workflow changes on purpose, and keep the old ones so
 * that runs started on older code still replay.
 *   npm run record-history -- [example] [name]
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import { createFireflyWorker } from '../worker.js';

const example = process.argv[2] ?? 'examples/memory.json';
const name = process.argv[3] ?? 'generate-server-dataset';
// The file is named after the workflow ID: replaying needs the ID the history was recorded under.
const workflowId = `${name}-${Date.now()}`;
const config = { ...runtimeConfig(), taskQueue: `record-history-${Date.now()}` };

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
const worker = await createFireflyWorker(config);
try {
  const client = await connectClient(config);
  const input = await readRunInput(resolve(PROJECT_ROOT, example));
  const handle = await startRun(client, config, workflowId, { ...input, subDagCount: 3, maxConcurrentExplorations: 2 });
  await handle.result();
  const dir = resolve(PROJECT_ROOT, 'test/replay/histories');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${workflowId}.json`);
  writeFileSync(path, historyToJSON(await handle.fetchHistory()));
  console.log(`wrote ${path}`);
  await client.connection.close();
} finally {
  await worker.shutdown();
}
