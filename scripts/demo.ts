/**
 * `npm run demo`: starts the Temporal dev server if needed and a worker, runs generateServerDataset
 * on the memory server with the offline planner, prints progress, a summary and the Web UI link.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun, watchRun, webUiLink } from '../src/run-client.js';
import type { RunSummary } from '../workflows/api.js';
import { createFireflyWorker } from '../worker.js';

const example = process.argv[2] ?? 'examples/memory.json';
const config = runtimeConfig();

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
const worker = await createFireflyWorker(config);
try {
  const client = await connectClient(config);
  const input = await readRunInput(resolve(PROJECT_ROOT, example));
  const workflowId = `demo-${(input.server as { name: string }).name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const handle = await startRun(client, config, workflowId, input);
  console.log(`started ${workflowId}\n  watch it: ${webUiLink(config, workflowId)}`);
  let last = '';
  const summary = await watchRun<RunSummary>(handle, (p) => {
    const line = `  ${p.stage.padEnd(14)} sub-DAGs ${p.subDags.done}/${p.subDags.total}  calls ${p.calls}  linked ${p.linkedCalls}  errors ${p.errors}`;
    if (line !== last) console.log((last = line));
  });
  console.log('\nrun summary (planner: %s — no LLM configured, arguments chosen by the deterministic offline planner)', summary.planner);
  console.log(JSON.stringify(summary, null, 2));
  console.log(`\nWeb UI: ${webUiLink(config, workflowId)}`);
  await client.connection.close();
} finally {
  await worker.shutdown();
}
