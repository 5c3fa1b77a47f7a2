import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

/** Growing a recorded run is explicit, and keeps everything it had. */
describe('extending a run', () => {
  const { config, worker, client } = useTestWorker('extend');

  it('adds only new sub-DAGs with extend, leaving every earlier sub-DAG, call, task and verdict as it was', async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const runId = uniqueId('extend');
    const first = (await (await startRun(client(), config, runId, { ...input, subDagCount: 3 })).result()) as RunSummary;
    const store = worker().store;
    const snapshot = async () => ({
      subDags: await store.listSubDags(runId),
      calls: (await store.listCalls(runId)).filter((c) => c.subDagIndex < 3),
      tasks: (await store.listTasks(runId)).filter((t) => t.subDagIndex < 3),
    });
    const before = await snapshot();
    const verdictsBefore = await store.listVerdicts(runId);

    const refused = await (await startRun(client(), config, runId, { ...input, subDagCount: 5 })).result().catch((error: Error & { cause?: Error }) => error.cause?.message);
    expect(refused).toMatch(/subDagCount was 3, now 5.*"extend": true/s);

    const grown = (await (await startRun(client(), config, runId, { ...input, subDagCount: 5, extend: true })).result()) as RunSummary;
    expect(first.subDags.total).toBe(3);
    expect(grown.subDags).toMatchObject({ total: 5, explored: 5, failed: [] });
    const after = await snapshot();
    expect(after.subDags.slice(0, 3)).toEqual(before.subDags);
    expect(new Set(after.subDags.map((s) => s.key)).size).toBe(5);
    expect(after.calls).toEqual(before.calls);
    expect(after.tasks).toEqual(before.tasks);
    const verdictsAfter = new Map((await store.listVerdicts(runId)).map((v) => [`${v.taskId}/${v.check}`, v]));
    for (const verdict of verdictsBefore) expect(verdictsAfter.get(`${verdict.taskId}/${verdict.check}`)).toEqual(verdict);
    const added = (await store.listCalls(runId)).filter((c) => c.subDagIndex >= 3 && c.phase === 'explore');
    expect(new Set(added.map((c) => c.subDagIndex))).toEqual(new Set([3, 4]));
    expect(grown.tasks.candidates).toBeGreaterThanOrEqual(first.tasks.candidates);
  });
});
