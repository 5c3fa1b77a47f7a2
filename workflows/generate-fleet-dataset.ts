import { ApplicationFailure, executeChild, proxyActivities, setCurrentDetails, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import {
  failureTypes,
  fleetProgressQuery,
  fleetServerWorkflowId,
  searchAttributes,
  type FleetProgress,
  type FleetServerRow,
  type FleetStage,
  type FleetSummary,
  type GenerateFleetDatasetInput,
  type GenerateServerDatasetInput,
} from '../src/api.js';
import { rootApplicationFailure, rootMessage } from './failures.js';
import { generateServerDataset } from './generate-server-dataset.js';
import { runOptions } from './options.js';

const quick = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
});
/** Server names are at most 63 characters, within the 64 a key may have. */
const CROSS_SERVER_FAIRNESS_KEY = 'cross-server';

const exporting = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * A fleet's generation: one generateServerDataset child per server (a bounded number at once), then
 * one exploring across the servers that generated, then one dataset of them all. A server that fails
 * is quarantined with its reason and the fleet goes on; the fleet fails only on a bad fleet file or
 * when no server generated. Children are named after the fleet, so a fleet reset or started again
 * finds their records and redoes nothing they finished; a fleet started again with servers added
 * generates only those, and explores across servers only where an added one is involved.
 */
export async function generateFleetDataset(input: GenerateFleetDatasetInput): Promise<FleetSummary> {
  const fleetId = workflowInfo().workflowId;
  const progress: FleetProgress = { fleetId, stage: 'validating', servers: [], crossServer: null };
  setHandler(fleetProgressQuery, () => progress);
  publish(progress);

  const plan = await failFleet(quick.prepareFleet({ fleet: input }));
  // Every server's options are checked before any server starts, each named by its entry.
  plan.servers.forEach(({ name, input: run }, i) => {
    try {
      runOptions(run);
    } catch (error) {
      throw ApplicationFailure.create({ type: failureTypes.invalidInput, message: `fleet.servers[${i}] (${name}): ${rootMessage(error)}`, nonRetryable: true });
    }
  });
  progress.servers = plan.servers.map(({ name }) => pendingRow(name, fleetServerWorkflowId(fleetId, name)));

  setStage(progress, 'generating');
  await forEachAtMost(plan.maxConcurrentServers, plan.servers, ({ name, input: run }, i) => generate(progress, progress.servers[i]!, run, name));
  const generated = plan.servers.filter((_, i) => progress.servers[i]!.status === 'done');
  if (generated.length === 0) {
    throw ApplicationFailure.create({
      type: 'FleetFailed',
      message: `no server of fleet ${fleetId} generated: ${progress.servers.map((s) => `${s.name}: ${s.error ?? s.status}`).join('; ')}`,
      nonRetryable: true,
    });
  }

  setStage(progress, 'cross-server');
  const cross = await quick.planCrossServer({ fleetId, servers: generated, share: plan.crossServerShare, seed: plan.seed });
  if (cross) {
    progress.crossServer = pendingRow(cross.members.join(' + '), cross.runId);
    await generate(progress, progress.crossServer, cross.input, CROSS_SERVER_FAIRNESS_KEY);
  }

  setStage(progress, 'exporting');
  const dataset = await exporting.exportFleetDataset({
    fleetId,
    servers: progress.servers.filter((s) => s.status === 'done').map((s) => ({ name: s.name, runId: s.runId })),
    split: plan.split,
  });
  setStage(progress, 'done', dataset.tasks);
  return { fleetId, servers: progress.servers, crossServer: progress.crossServer ? [progress.crossServer] : [], dataset };
}

/** One server's run (or the cross-server one) as a child; its failure is recorded in its row, not thrown. */
async function generate(progress: FleetProgress, row: FleetServerRow, input: GenerateServerDatasetInput, fairnessKey: string): Promise<void> {
  row.status = 'running';
  publish(progress);
  try {
    const summary = await startChildOnceFree(row, input, progress.fleetId, fairnessKey);
    Object.assign(row, { status: 'done', tasks: summary.dataset.tasks, costUsd: summary.llm.usage.total.costUsd });
  } catch (error) {
    Object.assign(row, { status: 'failed', error: rootMessage(error) });
  }
  publish(progress);
}

/** A child of the same ID still closing (the fleet was just reset or terminated) is waited for, not lost. */
async function startChildOnceFree(row: FleetServerRow, input: GenerateServerDatasetInput, fleetId: string, fairnessKey: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeChild(generateServerDataset, {
        workflowId: row.runId,
        args: [input],
        // Each server's work is its own fairness key, inherited by its children and activities: a busy server cannot starve the others.
        priority: { fairnessKey },
        typedSearchAttributes: [{ key: searchAttributes.fleet, value: fleetId }],
        staticSummary: `FireFly dataset generation for ${row.name}, in fleet ${fleetId}`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 10) throw error;
      await sleep('5 seconds');
    }
  }
}

/** Runs `work` on every item, at most `limit` at once, in the items' order. */
async function forEachAtMost<T>(limit: number, items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (const [index, item] of items.entries()) {
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const tracked: Promise<void> = work(item, index).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
}

/** A bad fleet file fails the fleet at once, with the innermost message naming the field. */
async function failFleet<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw ApplicationFailure.create({ type: rootApplicationFailure(error)?.type ?? 'FleetFailed', message: rootMessage(error), nonRetryable: true });
  }
}

function pendingRow(name: string, runId: string): FleetServerRow {
  return { name, runId, status: 'pending', tasks: 0, costUsd: 0 };
}

function setStage(progress: FleetProgress, stage: FleetStage, exported?: number): void {
  progress.stage = stage;
  publish(progress, exported);
}

/** The fleet's search attributes and details: servers done, failed and running, tasks and spend so far. */
function publish(progress: FleetProgress, exported?: number): void {
  const rows = [...progress.servers, ...(progress.crossServer ? [progress.crossServer] : [])];
  const count = (status: FleetServerRow['status']) => progress.servers.filter((s) => s.status === status).length;
  const tasks = exported ?? rows.reduce((sum, r) => sum + r.tasks, 0);
  const spend = rows.reduce((sum, r) => sum + r.costUsd, 0);
  upsertSearchAttributes([
    { key: searchAttributes.fleet, value: progress.fleetId },
    { key: searchAttributes.stage, value: progress.stage },
    { key: searchAttributes.serversDone, value: count('done') },
    { key: searchAttributes.serversFailed, value: count('failed') },
    { key: searchAttributes.tasks, value: tasks },
  ]);
  setCurrentDetails(
    [
      `**fleet ${progress.fleetId}**: ${progress.stage}`,
      `servers: ${count('done')} done, ${count('failed')} failed, ${count('running')} running, ${count('pending')} waiting, of ${progress.servers.length}`,
      `tasks: ${tasks}${exported === undefined ? ' so far' : ' in the fleet dataset'}; spend: $${spend.toFixed(4)}`,
      ...rows.map((r) => `- ${r.name}: ${r.status}${r.status === 'done' ? `, ${r.tasks} tasks` : ''}${r.error ? ` (${r.error.slice(0, 200)})` : ''}`),
    ].join('\n'),
  );
}
