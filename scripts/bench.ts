/**
 * `npm run bench`: runs generateServerDataset on each development server and prints JSON figures:
 * wall time, tool calls per second, sub-DAGs per minute, and Temporal's share of the wall time
 * (wall time not covered by any activity, over wall time), and what the live `stable` check costs
 * per verified task: its extra live calls and the verification stage's wall time. Calls count every
 * recorded call: setup calls, the probe episode and the explorations.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { activityIntervals, coveredMillis } from '../src/activity-time.js';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import { subDagWorkflowId, type RunSummary } from '../src/api.js';
import { createFireflyWorker } from '../worker.js';
import { withoutDefaultModelKey } from '../src/llm/config.js';

const FLEET = ['memory', 'filesystem', 'taskmanager', 'everything'];
const SUB_DAGS = Number(process.env.BENCH_SUB_DAGS ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const config = { ...runtimeConfig(), taskQueue: `bench-${Date.now()}` };

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
// Offline figures: a key in the shell must not make this a paid run (bench:llm measures the model path).
const worker = await createFireflyWorker(config, { env: withoutDefaultModelKey(process.env) });
const client = await connectClient(config);
interface ServerFigures {
  server: string;
  subDags: number;
  calls: number;
  wallSeconds: number;
  callsPerSecond: number;
  subDagsPerMinute: number;
  temporalShare: number;
  verified: number;
  /** The stable check: live calls it made per verified task, and the verification stage's seconds per verified task. */
  stableLiveCallsPerVerifiedTask: number;
  verifySecondsPerVerifiedTask: number;
}
const results: ServerFigures[] = [];
try {
  for (const server of FLEET) {
    const input = await readRunInput(resolve(PROJECT_ROOT, `examples/${server}.json`));
    const started = performance.now();
    const handle = await startRun(client, config, `bench-${server}-${Date.now()}`, {
      ...input,
      subDagCount: SUB_DAGS,
      maxConcurrentExplorations: CONCURRENCY,
    });
    const summary = (await handle.result()) as RunSummary;
    const wallMs = performance.now() - started;
    const histories = [await handle.fetchHistory()];
    for (let i = 0; i < summary.subDags.total; i++) {
      histories.push(await client.workflow.getHandle(subDagWorkflowId(handle.workflowId, i)).fetchHistory());
    }
    const inActivitiesMs = coveredMillis(histories.flatMap((history) => activityIntervals(history)));
    const allCalls = (await worker.store.listCalls(summary.runId)).length;
    const verifyMs = coveredMillis(activityIntervals(histories[0]!, 'verifyTasks'));
    const verified = Math.max(1, summary.dataset.tasks);
    results.push({
      server,
      subDags: summary.subDags.explored,
      calls: allCalls,
      wallSeconds: round(wallMs / 1000),
      callsPerSecond: round(allCalls / (wallMs / 1000)),
      subDagsPerMinute: round(summary.subDags.explored / (wallMs / 60_000)),
      temporalShare: round(Math.max(0, wallMs - inActivitiesMs) / wallMs),
      verified: summary.dataset.tasks,
      stableLiveCallsPerVerifiedTask: round((summary.reliability?.stable.calls ?? 0) / verified),
      verifySecondsPerVerifiedTask: round(verifyMs / 1000 / verified),
    });
  }
} finally {
  await client.connection.close();
  await worker.shutdown();
}
const total = (key: 'subDags' | 'calls' | 'wallSeconds') => results.reduce((sum, r) => sum + r[key], 0);
console.log(
  JSON.stringify(
    {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      settings: { subDagsPerServer: SUB_DAGS, concurrency: CONCURRENCY, planner: 'offline' },
      servers: results,
      overall: {
        wallSeconds: round(total('wallSeconds')),
        callsPerSecond: round(total('calls') / total('wallSeconds')),
        subDagsPerMinute: round(total('subDags') / (total('wallSeconds') / 60)),
        temporalShare: round(results.reduce((sum, r) => sum + r.temporalShare * r.wallSeconds, 0) / total('wallSeconds')),
      },
    },
    null,
    2,
  ),
);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
