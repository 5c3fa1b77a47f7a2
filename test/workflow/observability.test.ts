import { defineQuery } from '@temporalio/workflow';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { progressQuery, searchAttributes, type RunSummary } from '../../src/api.js';
import { expectEveryStepOnce } from '../helpers/records.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

/** The query the Web UI uses to show a run's current details. */
const metadataQuery = defineQuery<{ currentDetails?: string }>('__temporal_workflow_metadata');

describe('watching a run', () => {
  const { config, worker, client } = useTestWorker('observe');

  it('continues as new to keep histories small, and shows its progress to the query, the run list and the details', async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const handle = await startRun(client(), config, uniqueId('observe'), {
      ...input,
      subDagCount: 8,
      maxConcurrentExplorations: 2,
      explorationsPerHistory: 3,
    });
    const summary = (await handle.result()) as RunSummary;
    expect(summary.subDags.explored).toBe(8);
    await expectEveryStepOnce(worker().store, summary.runId);

    // 8 sub-DAGs at 3 per history: the first run of the chain continued as new, the last completed.
    const first = await client().workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const latest = client().workflow.getHandle(handle.workflowId);
    const progress = await latest.query(progressQuery);
    expect(progress).toMatchObject({ stage: 'done', server: 'memory', subDags: { total: 8, done: 8, failed: 0, inFlight: 0 } });
    expect(progress.continuations).toBeGreaterThanOrEqual(2);
    expect(progress.calls).toBe(summary.calls);

    const described = await latest.describe();
    expect(described.typedSearchAttributes.get(searchAttributes.stage)).toBe('done');
    expect(described.typedSearchAttributes.get(searchAttributes.server)).toBe('memory');
    expect(described.typedSearchAttributes.get(searchAttributes.subDagsDone)).toBe(8);
    expect(described.typedSearchAttributes.get(searchAttributes.calls)).toBe(summary.calls);

    const { currentDetails } = await latest.query(metadataQuery);
    expect(currentDetails).toContain('sub-DAGs: 8/8 explored');
  });
});
