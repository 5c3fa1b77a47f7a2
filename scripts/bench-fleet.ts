/**
 * `npm run bench` (its fleet part): generateFleetDataset over the development servers and prints JSON
 * figures: wall time, sub-DAGs explored (each server's and the composite's) per minute, tasks and
 * the cross-server share, and Temporal's share of the wall time (wall time covered by no activity of
 * the fleet, its server runs or their sub-DAGs, over wall time).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { activityIntervals, coveredMillis } from '../src/activity-time.js';
import { subDagWorkflowId, type FleetSummary } from '../src/api.js';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { withoutDefaultModelKey } from '../src/llm/config.js';
import { connectClient } from '../src/run-client.js';
import { createFireflyWorker } from '../worker.js';

const SERVERS = ['memory', 'filesystem', 'taskmanager', 'everything'];
const SUB_DAGS = Number(process.env.BENCH_FLEET_SUB_DAGS ?? 8);
const config = { ...runtimeConfig(), taskQueue: `bench-fleet-${Date.now()}` };

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
const worker = await createFireflyWorker(config, { env: withoutDefaultModelKey(process.env) });
const client = await connectClient(config);
try {
  const fleetId = `bench-fleet-${Date.now()}`;
  const started = performance.now();
  const handle = await client.workflow.start('generateFleetDataset', {
    taskQueue: config.taskQueue,
    workflowId: fleetId,
    args: [{ servers: SERVERS.map((name) => ({ file: `examples/${name}.json`, subDagCount: SUB_DAGS })) }],
  });
  const summary = (await handle.result()) as FleetSummary;
  const wallMs = performance.now() - started;
  const runs = [...summary.servers, ...summary.crossServer].filter((r) => r.status === 'done');
  const handles: WorkflowHandle[] = [handle];
  let subDags = 0;
  for (const run of runs) {
    const total = (await worker.store.listSubDags(run.runId)).length;
    subDags += total;
    handles.push(client.workflow.getHandle(run.runId), ...Array.from({ length: total }, (_, i) => client.workflow.getHandle(subDagWorkflowId(run.runId, i))));
  }
  const histories = await Promise.all(handles.map((h) => h.fetchHistory()));
  const inActivitiesMs = coveredMillis(histories.flatMap((history) => activityIntervals(history)));
  const round = (value: number) => Math.round(value * 1000) / 1000;
  console.log(
    JSON.stringify(
      {
        fleet: {
          servers: SERVERS.length,
          subDagsPerServer: SUB_DAGS,
          wallSeconds: round(wallMs / 1000),
          subDags,
          subDagsPerMinute: round(subDags / (wallMs / 60_000)),
          temporalShare: round(Math.max(0, wallMs - inActivitiesMs) / wallMs),
          tasks: summary.dataset.tasks,
          crossServerShare: round(summary.dataset.crossServerTasks / Math.max(1, summary.dataset.tasks)),
          referenceReplay: summary.dataset.referenceReplay,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await client.connection.close();
  await worker.shutdown();
}
