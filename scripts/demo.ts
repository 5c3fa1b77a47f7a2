/**
 * `npm run demo`: starts the Temporal dev server if needed and a worker, runs generateServerDataset
 * on the memory server (offline unless the worker has ANTHROPIC_API_KEY or the example sets `llm`),
 * prints progress, a summary, what the models cost, the exported dataset's path and counts, its
 * report.html, and the Web UI link.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun, watchRun, webUiLink } from '../src/run-client.js';
import { runCostLines } from '../src/run-cost-text.js';
import type { RunSummary } from '../src/api.js';
import { createFireflyWorker } from '../worker.js';
import { REPORT_FILE } from '../src/report/write-report.js';

const example = process.argv[2] ?? 'examples/memory.json';
const config = runtimeConfig();

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
const worker = await createFireflyWorker(config);
const client = await connectClient(config);
const input = await readRunInput(resolve(PROJECT_ROOT, example));
const workflowId = `demo-${(input.server as { name: string }).name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
try {
  const handle = await startRun(client, config, workflowId, input);
  console.log(`started ${workflowId}\n  watch it: ${webUiLink(config, workflowId)}`);
  let last = '';
  const summary = await watchRun<RunSummary>(handle, (p) => {
    const line =
      `  ${p.stage.padEnd(14)} sub-DAGs ${p.subDags.done}/${p.subDags.total}  calls ${p.calls}  linked ${p.linkedCalls}` +
      `  errors ${p.errors}  tasks ${p.tasks.candidates} candidates / ${p.tasks.verified} verified`;
    if (line !== last) console.log((last = line));
  });
  console.log('\nrun summary (planner: %s)', summary.planner);
  console.log(JSON.stringify(summary, null, 2));
  console.log(`\n${runCostLines(summary.llm).join('\n')}`);
  console.log(`\ndataset: ${summary.dataset.dir}`);
  console.log(
    `  ${summary.dataset.tasks} verified tasks of ${summary.tasks.candidates} candidates, ` +
      `${summary.dataset.meanCallsPerTask.toFixed(2)} calls per task, ${Math.round(summary.dataset.shareWithThreeOrMoreCalls * 100)}% with 3 or more`,
  );
  console.log(`  replay it: npm run simulate -- --dataset ${summary.dataset.dir}`);
  console.log(`  report:    ${join(summary.dataset.dir, REPORT_FILE)} (open it, or: npm run report -- ${summary.dataset.dir})`);
  console.log(`\nWeb UI: ${webUiLink(config, workflowId)}`);
} catch (error) {
  if (!(error instanceof WorkflowFailedError)) throw error;
  let cause: Error | undefined = error.cause;
  while (cause?.cause instanceof Error) cause = cause.cause;
  console.error(`\nthe run failed: ${cause?.message ?? error.message}\n  see ${webUiLink(config, workflowId)}`);
  process.exitCode = 1;
} finally {
  await client.connection.close();
  await worker.shutdown();
}
