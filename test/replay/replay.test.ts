import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../helpers/temporal.js';

const dir = fileURLToPath(new URL('./histories', import.meta.url));
const histories = readdirSync(dir).filter((file) => file.endsWith('.json'));

/** Committed histories replay against the current workflow code: a change that breaks determinism fails here. */
describe('replaying committed histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  it.each(histories)('%s replays without a nondeterminism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(10);
    // Files are named after the workflow ID they were recorded under (see scripts/record-history.ts).
    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows() }, history, file.replace(/\.json$/, ''));
  });
});
