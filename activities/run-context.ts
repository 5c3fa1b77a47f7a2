import { ApplicationFailure } from '@temporalio/common';
import { parseServerSpec, type ServerSpec } from '../src/mcp/spec.js';
import type { RunRecord } from '../src/store/store.js';
import { failureTypes } from '../src/api.js';
import type { ActivityDeps } from './deps.js';

/** A run as later stages need it: its record and its parsed spec. */
export async function loadRun(deps: ActivityDeps, runId: string): Promise<{ run: RunRecord; spec: ServerSpec }> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    throw ApplicationFailure.create({
      type: failureTypes.invalidInput,
      message: `run ${runId} is not in the store at ${deps.store.location}: start it with generateServerDataset`,
      nonRetryable: true,
    });
  }
  return { run, spec: parseServerSpec(run.spec) };
}
