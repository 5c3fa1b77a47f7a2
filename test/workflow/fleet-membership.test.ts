import { describe, expect, it } from 'vitest';
import type { FleetSummary } from '../../src/api.js';
import { parseServerSpec, type CompositeServerSpec } from '../../src/mcp/spec.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const small = (file: string) => ({ file, subDagCount: 3 });

describe('a fleet whose servers change', () => {
  const { config, worker, client } = useTestWorker('fleet-membership');
  const runFleet = (workflowId: string, fleet: object) =>
    client().workflow.execute('generateFleetDataset', { taskQueue: config.taskQueue, workflowId, args: [fleet] }) as Promise<FleetSummary>;

  it('quarantines a server that cannot start, with its message, and completes with the others', async () => {
    const summary = await runFleet(uniqueId('fleet-quarantine'), {
      servers: [small('examples/memory.json'), { server: { name: 'gone', command: 'no-such-command-here' } }, small('examples/generality/hello-world.json')],
    });
    expect(summary.servers.map((s) => [s.name, s.status])).toEqual([
      ['memory', 'done'],
      ['gone', 'failed'],
      ['hello-world', 'done'],
    ]);
    expect(summary.servers[1]!.error).toMatch(/no-such-command-here.*not found/);
    expect(summary.crossServer[0]).toMatchObject({ name: 'hello-world + memory', status: 'done' });
    expect(summary.dataset.tasks).toBeGreaterThan(0);
    expect(summary.dataset.referenceReplay).toEqual({ tasks: summary.dataset.tasks, passed: summary.dataset.tasks });
  });

  it('given two more servers when finished, generates only those two, and crosses only where one of them is', async () => {
    const fleetId = uniqueId('fleet-grow');
    const first = await runFleet(fleetId, { servers: [small('examples/memory.json'), small('examples/generality/hello-world.json')] });
    expect(first.servers.map((s) => s.status)).toEqual(['done', 'done']);
    const store = worker().store;
    const recorded = async (runId: string) => ({ episodes: (await store.listEpisodes(runId)).length, calls: (await store.listCalls(runId)).length });
    const before = await Promise.all([...first.servers.map((s) => s.runId), first.crossServer[0]!.runId].map(recorded));

    const grown = await runFleet(fleetId, {
      servers: [small('examples/memory.json'), small('examples/generality/hello-world.json'), small('examples/taskmanager.json'), small('examples/generality/knowledge-graph.json')],
    });
    expect(grown.servers.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
    // What the first fleet recorded is as it was: not one episode or call more.
    expect(await Promise.all([...first.servers.map((s) => s.runId), first.crossServer[0]!.runId].map(recorded))).toEqual(before);
    for (const added of grown.servers.slice(2)) expect((await recorded(added.runId)).episodes).toBeGreaterThan(0);

    // A new composite, exploring only edges that touch an added server; the first one's tasks stay in the dataset.
    const cross = grown.crossServer[0]!;
    expect(cross.runId).not.toBe(first.crossServer[0]!.runId);
    const spec = parseServerSpec((await store.getRun(cross.runId))!.spec) as CompositeServerSpec;
    expect(spec.focus).toEqual(['knowledge-graph', 'taskmanager']);
    const edges = await store.listEdges(cross.runId);
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) expect(`${edge.from} ${edge.to}`).toMatch(/knowledge-graph__|taskmanager__/);
    expect(grown.dataset.tasks).toBeGreaterThan(first.dataset.tasks);
    expect(grown.dataset.referenceReplay).toEqual({ tasks: grown.dataset.tasks, passed: grown.dataset.tasks });
  });
});
