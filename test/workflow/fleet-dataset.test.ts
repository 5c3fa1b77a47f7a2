import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetProgressQuery, type FleetProgress, type FleetSummary } from '../../src/api.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { normalisedInstruction } from '../../src/fleet/split.js';
import { temporalCli } from '../helpers/cli.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';
import { sanitizeToolName } from '../../src/export/tool-names.js';

/** The development servers and four of the generality suite, each small: a fleet of eight. */
const FLEET = [
  'examples/memory.json',
  'examples/filesystem.json',
  'examples/taskmanager.json',
  'examples/everything.json',
  'examples/generality/knowledge-graph.json',
  'examples/generality/shrimp-task-manager.json',
  'examples/generality/duckdb.json',
  'examples/generality/hello-world.json',
];
const SUB_DAGS = 4;

type Row = Record<string, any>;

function fleetFile(fleet: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'firefly-fleet-')), 'fleet.json');
  writeFileSync(path, JSON.stringify(fleet));
  return path;
}

function jsonLines(path: string): Row[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
}

describe('generateFleetDataset', () => {
  const { config, worker, client } = useTestWorker('fleet-dataset');

  it('started from the Temporal CLI, makes one dataset of eight servers with cross-server tasks that replay, a clean split, and files trainers load', async () => {
    const fleetId = uniqueId('fleet');
    const file = fleetFile({ servers: FLEET.map((path) => ({ file: path, subDagCount: SUB_DAGS })), split: { testShare: 0.15, seed: 3 } });
    await temporalCli(config, ['workflow', 'start', '--type', 'generateFleetDataset', '--task-queue', config.taskQueue, '--workflow-id', fleetId, '--input-file', file]);
    const handle = client().workflow.getHandle(fleetId);
    const summary = (await handle.result()) as FleetSummary;

    expect(summary.servers.map((s) => [s.name, s.status])).toEqual(FLEET.map((path) => [JSON.parse(readFileSync(resolve(PROJECT_ROOT, path), 'utf8')).server.name, 'done']));
    expect(summary.crossServer).toHaveLength(1);
    expect(summary.crossServer[0]).toMatchObject({ status: 'done' });
    const { dataset } = summary;
    const tasks = jsonLines(join(dataset.dir, 'tasks.jsonl'));
    // The fleet's export ran the reward-integrity check too, and kept only tasks no hack pays on.
    const { reward_integrity: integrity } = JSON.parse(readFileSync(join(dataset.dir, 'manifest.json'), 'utf8')) as { reward_integrity: { holds: boolean; tasks: number } };
    expect(integrity).toMatchObject({ holds: true, tasks: tasks.length });
    expect(tasks).toHaveLength(dataset.tasks);

    // At least 30% of the tasks use tools of two or more servers; those that pass a value from one
    // server's output into another's call (as recorded) are the cross-server tasks, marked linked.
    const several = tasks.filter((t) => t.provenance.servers.length >= 2);
    expect(several.length / tasks.length).toBeGreaterThanOrEqual(0.3);
    for (const task of tasks) expect(task.provenance.cross_server).toEqual(task.provenance.servers.length < 2 ? null : expect.stringMatching(/^(un)?linked$/));
    const linked = tasks.filter((t) => t.provenance.cross_server === 'linked');
    expect(linked.length).toBe(dataset.crossServerTasks);
    const crossRunId = summary.crossServer[0]!.runId;
    const store = worker().store;
    const servers = new Map((await store.listTools(crossRunId)).map((t) => [t.name, t.server]));
    const calls = await store.listCalls(crossRunId);
    const callAt = (subDag: number, step: number) => calls.find((c) => c.subDagIndex === subDag && c.step === step)!;
    const carrying = new Set(
      (await store.listTasks(crossRunId))
        .filter((task) =>
          task.trajectory.some((step) => {
            const call = callAt(step.recorded.subDagIndex, step.recorded.step);
            return call.links.some((link) => servers.get(callAt(step.recorded.subDagIndex, link.fromStep).tool) !== servers.get(call.tool));
          }),
        )
        .map((task) => task.id),
    );
    expect(several.filter((t) => carrying.has(t.id)).map((t) => t.id)).toEqual(linked.map((t) => t.id));
    expect(linked.length * 2).toBeGreaterThanOrEqual(several.length);

    // Every reference trajectory, read from the files alone, replays to its label in the fleet's one simulator.
    expect(dataset.referenceReplay).toEqual({ tasks: dataset.tasks, passed: dataset.tasks });

    // Tool names are unique across the fleet: <server>__<tool>, each mapped back to its server.
    for (const task of tasks) for (const tool of task.tools) expect(tool.name).toBe(sanitizeToolName(`${tool.server}__${tool.tool}`));

    // The split: both sides used, and no normalised instruction or tool sequence on both.
    const train = tasks.filter((t) => t.split === 'train');
    const test = tasks.filter((t) => t.split === 'test');
    expect([train.length, test.length]).toEqual([dataset.train, dataset.test]);
    expect(test.length).toBeGreaterThan(0);
    const keys = (rows: Row[]) => new Set(rows.flatMap((t) => [`i:${normalisedInstruction(t.instruction)}`, `t:${t.trajectory.map((s: Row) => s.tool).join(',')}`]));
    const trainKeys = keys(train);
    expect([...keys(test)].filter((key) => trainKeys.has(key))).toEqual([]);

    // Trainers load every file as one dataset, values unchanged, and the RL parquet files concatenate.
    const python = execFileSync('bash', [resolve(PROJECT_ROOT, 'scripts/python-env.sh')], { encoding: 'utf8', timeout: 300_000 }).trim();
    const serverDirs = readdirSync(config.datasetRoot)
      .filter((name) => name !== fleetId && name.startsWith(fleetId))
      .map((name) => join(config.datasetRoot, name));
    expect(serverDirs).toHaveLength(FLEET.length + 1);
    const loaded = JSON.parse(execFileSync(python, [resolve(PROJECT_ROOT, 'test/python/load_datasets.py'), dataset.dir, ...serverDirs], { encoding: 'utf8', timeout: 300_000 })) as Record<string, number>;
    expect(loaded).toMatchObject({ 'tasks.jsonl': dataset.tasks, 'rl.jsonl': dataset.tasks, 'sft.openai.jsonl': dataset.tasks, 'sft.anthropic.jsonl': dataset.tasks });
    expect(loaded['rl.parquet concatenated']).toBeGreaterThan(dataset.tasks);

    // Watching it: the progress query's per-server table, and the server runs found by the fleet's attribute.
    const progress = (await handle.query(fleetProgressQuery)) as FleetProgress;
    expect(progress).toMatchObject({ fleetId, stage: 'done' });
    expect(progress.servers.map((s) => s.status)).toEqual(FLEET.map(() => 'done'));
    const listed = await temporalCli(config, ['workflow', 'list', '--query', `FireflyFleet="${fleetId}" AND WorkflowType="generateServerDataset"`, '--output', 'json']);
    expect((JSON.parse(listed) as Row[]).map((w) => w.execution.workflowId).sort()).toEqual([...summary.servers.map((s) => s.runId), crossRunId].sort());

    console.log(
      `fleet of ${FLEET.length}: ${dataset.tasks} tasks (${dataset.train} train / ${dataset.test} test), ${several.length} call several servers (${linked.length} pass a value across), ` +
        `${dataset.tools} tools, ${dataset.meanCallsPerTask} calls per task`,
    );
  }, 900_000);
});
