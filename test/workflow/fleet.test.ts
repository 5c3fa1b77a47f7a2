import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { carriesOutputForward } from '../../src/explore/data-flow.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../workflows/api.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const FLEET = ['memory', 'filesystem', 'taskmanager', 'everything'];

describe('generateServerDataset on the development fleet', () => {
  const { config, worker, client } = useTestWorker('fleet');

  it.each(FLEET)('explores at least 10 sub-DAGs of the %s server, carrying outputs into later arguments', async (server) => {
    const input = await readRunInput(resolve(PROJECT_ROOT, `examples/${server}.json`));
    const handle = await startRun(client(), config, uniqueId(`fleet-${server}`), { ...input, subDagCount: 12 });
    const summary = (await handle.result()) as RunSummary;

    expect(summary.subDags.explored).toBeGreaterThanOrEqual(10);
    expect(summary.subDags.failed).toEqual([]);
    const calls = await worker().store.listCalls(summary.runId);
    const episodes = new Map<number, typeof calls>();
    for (const call of calls.filter((c) => c.subDagIndex >= 0)) {
      episodes.set(call.subDagIndex, [...(episodes.get(call.subDagIndex) ?? []), call]);
    }
    const multiTool = [...episodes.values()].filter((episode) => episode.filter((c) => c.phase === 'explore').length >= 2);
    const carrying = multiTool.filter(carriesOutputForward);
    console.log(`${server}: ${episodes.size} episodes, ${multiTool.length} multi-tool, ${carrying.length} carry an output forward`);
    expect(multiTool.length).toBeGreaterThan(0);
    expect(carrying.length * 2).toBeGreaterThanOrEqual(multiTool.length);
  });
});
