import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AuditReport } from '../activities/audit.js';
import { failureTypes, type AuditDatasetInput } from '../src/api.js';

const { planAudit, summarizeAudit } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
});
const { auditTaskBatch, exportDataset } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

const BATCH = 20;

export interface AuditDatasetResult extends AuditReport {
  /** Set when the input asked for it: the dataset exported again without the stale tasks. */
  reexported?: { dir: string; tasks: number };
}

/**
 * Re-executes a finished run's exported tasks on the live server, later (by hand, or on a Temporal
 * Schedule): which still hold, per task and per tool. Stale tasks are marked in the store, so every
 * later export leaves them out; `reexport` exports again at once. The audit's ID is this
 * workflow's, so a schedule's every run is an audit of its own, and a retried one redoes nothing.
 */
export async function auditDataset(input: AuditDatasetInput): Promise<AuditDatasetResult> {
  const { runId, sample, seed, reexport } = checked(input);
  const auditId = workflowInfo().workflowId;
  const ids = await planAudit({ runId, ...(sample === undefined ? {} : { sample }), ...(seed === undefined ? {} : { seed }) });
  if (ids.length === 0) throw invalid(`run ${runId} has no verified tasks to audit: give the workflow ID of a finished generateServerDataset run`);
  for (let first = 0; first < ids.length; first += BATCH) await auditTaskBatch({ runId, auditId, taskIds: ids.slice(first, first + BATCH) });
  const report = await summarizeAudit({ runId, auditId });
  if (!reexport) return report;
  const dataset = await exportDataset({ runId });
  return { ...report, reexported: { dir: dataset.dir, tasks: dataset.counts.tasks } };
}

function checked(input: AuditDatasetInput | undefined): AuditDatasetInput {
  if (!input || typeof input !== 'object' || typeof input.runId !== 'string' || input.runId === '') {
    throw invalid('input.runId must name a finished generateServerDataset run, e.g. {"runId": "memory-1"}');
  }
  if (input.sample !== undefined && (!Number.isInteger(input.sample) || input.sample < 1)) throw invalid(`input.sample must be a whole number of tasks, 1 or more, got ${JSON.stringify(input.sample)}`);
  if (input.seed !== undefined && !Number.isInteger(input.seed)) throw invalid(`input.seed must be a whole number, got ${JSON.stringify(input.seed)}`);
  if (input.reexport !== undefined && typeof input.reexport !== 'boolean') throw invalid(`input.reexport must be true or false, got ${JSON.stringify(input.reexport)}`);
  return input;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.invalidInput, message, nonRetryable: true });
}
