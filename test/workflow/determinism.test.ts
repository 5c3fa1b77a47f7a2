import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

/** Every file of a directory, by name, as bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name))]));
}

describe('determinism', () => {
  const { config, worker, client } = useTestWorker('determinism');

  async function run(seed: number): Promise<RunSummary> {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const handle = await startRun(client(), config, uniqueId('determinism'), { ...input, subDagCount: 8, seed });
    return (await handle.result()) as RunSummary;
  }

  it('the same seed plans the same calls, observes the same results and writes the same tasks', async () => {
    const [first, second] = [await run(7), await run(7)];
    const store = worker().store;
    const shape = async (runId: string) =>
      (await store.listCalls(runId)).map(({ subDagIndex, step, phase, tool, arguments: args, result, isError, links }) => ({
        subDagIndex, step, phase, tool, args, result, isError, links,
      }));
    expect(await shape(second.runId)).toEqual(await shape(first.runId));
    const instructions = async (runId: string) => (await store.listTasks(runId)).map((t) => [t.instruction, t.groundTruth]).sort();
    expect(await instructions(second.runId)).toEqual(await instructions(first.runId));
    expect(second.dataset.tasks).toBe(first.dataset.tasks);

    // A different seed explores differently: the comparison above can fail.
    const other = await run(8);
    expect(await shape(other.runId)).not.toEqual(await shape(first.runId));
  });

  it('exporting the same recorded data again gives byte-identical files', async () => {
    const summary = await run(3);
    const earlier = `${summary.dataset.dir}.first`;
    renameSync(summary.dataset.dir, earlier);
    const activities = createActivities(offlineActivityDeps(config, worker().store));
    const again = await activities.exportDataset({ runId: summary.runId });
    const [before, after] = [filesOf(earlier), filesOf(again.dir)];
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(after.size).toBeGreaterThanOrEqual(8);
    for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
  });
});
