/**
 * Records the history of a small generateServerDataset run into test/replay/histories/, for the
 * replay test: commit a new one whenever the workflow changes on purpose, and keep the old ones so
 * that runs started on older code still replay.
 *   npm run record-history -- [example] [name] [--scripted-model]
 * (test/replay/failing-run.json records a run that fails while discovering.)
 * `--scripted-model` records a run driven by a model (a scripted Messages API server on this
 * machine), so that the model-driven paths of the workflow are replayed too.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import { createFireflyWorker } from '../worker.js';
import { withoutDefaultModelKey } from '../src/llm/config.js';
import type { JsonValue } from '../src/domain.js';
import { startFakeAnthropic } from '../test/helpers/fake-llm/anthropic-server.js';
import { pipelineModel } from '../test/helpers/fake-llm/pipeline-model.js';

const scripted = process.argv.includes('--scripted-model');
const [example = 'examples/memory.json', name = scripted ? 'generate-server-dataset-llm' : 'generate-server-dataset'] = process.argv
  .slice(2)
  .filter((arg) => arg !== '--scripted-model');
const KEY_ENV = 'FIREFLY_RECORD_ANTHROPIC_KEY';
// The file is named after the workflow ID: replaying needs the ID the history was recorded under.
const workflowId = `${name}-${Date.now()}`;
const config = { ...runtimeConfig(), taskQueue: `record-history-${Date.now()}` };

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
const input = await readRunInput(resolve(PROJECT_ROOT, example));
const fake = scripted
  ? await startFakeAnthropic({
      script: pipelineModel({ hints: (input.server as { argumentHints?: Record<string, JsonValue[]> }).argumentHints ?? {} }).script,
      apiKey: 'record-key',
    })
  : undefined;
const worker = await createFireflyWorker(config, { env: { ...withoutDefaultModelKey(process.env), [KEY_ENV]: 'record-key' } });
try {
  const client = await connectClient(config);
  const handle = await startRun(client, config, workflowId, {
    ...input,
    subDagCount: 3,
    maxConcurrentExplorations: 2,
    ...(fake ? { llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV } } : {}),
  });
  // A failed run's history is recorded too: the failure path must replay as well.
  await handle.result().catch((error: unknown) => {
    if (!(error instanceof WorkflowFailedError)) throw error;
    console.log(`the run failed (recorded as it is): ${error.cause?.message ?? error.message}`);
  });
  const dir = resolve(PROJECT_ROOT, 'test/replay/histories');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${workflowId}.json`);
  writeFileSync(path, historyToJSON(await handle.fetchHistory()));
  console.log(`wrote ${path}`);
  await client.connection.close();
} finally {
  await worker.shutdown();
  await fake?.close();
}
