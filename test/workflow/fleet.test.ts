import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { carriesOutputForward } from '../../src/explore/data-flow.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { Task } from '../../src/domain.js';
import type { PolicyScore, RunSummary } from '../../src/api.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const FLEET = ['memory', 'filesystem', 'taskmanager', 'everything'];
/**
 * Tasks each example must export. The filesystem server answers in text: status lines, sandbox
 * paths, file times and prose are never answers, so fewer of its calls make a task. Memory's
 * episodes all read one seeded graph, so many of its tasks share an answer: the integrity check
 * keeps one of each.
 */
const MIN_TASKS: Record<string, number> = { memory: 8, filesystem: 5, taskmanager: 20, everything: 20 };

/** The demo-style run (each example's own settings) on every development server, end to end. */
describe('generateServerDataset on the development fleet', () => {
  const { config, worker, client } = useTestWorker('fleet');
  const callsPerTask: number[] = [];
  const served: string[] = [];

  it.each(FLEET)('%s: explores, carries outputs forward, and exports its share of verified tasks, stable and replaying exactly', async (server) => {
    const input = await readRunInput(resolve(PROJECT_ROOT, `examples/${server}.json`));
    const handle = await startRun(client(), config, uniqueId(`fleet-${server}`), input);
    const summary = (await handle.result()) as RunSummary;

    // Exploration: at least 10 sub-DAGs, and data flowing from outputs into later arguments.
    expect(summary.subDags.explored).toBeGreaterThanOrEqual(10);
    expect(summary.subDags.failed).toEqual([]);
    const calls = (await worker().store.listCalls(summary.runId)).filter((c) => c.subDagIndex >= 0);
    const episodes = new Map<number, typeof calls>();
    for (const call of calls) episodes.set(call.subDagIndex, [...(episodes.get(call.subDagIndex) ?? []), call]);
    const multiTool = [...episodes.values()].filter((episode) => episode.filter((c) => c.phase === 'explore').length >= 2);
    const carrying = multiTool.filter(carriesOutputForward);
    expect(multiTool.length).toBeGreaterThan(0);
    expect(carrying.length * 2).toBeGreaterThanOrEqual(multiTool.length);

    // The dataset: its share of verified tasks, every exported one grounded, replayable, leak-free, unambiguous and stable.
    const tasks = readFileSync(join(summary.dataset.dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string });
    expect(tasks.length).toBe(summary.dataset.tasks);
    // Reward integrity, as the export checked it: the reference earns 1 on every task; answers that need no
    // call earn nothing (strict). A changed argument can still earn reward where the answer does not depend on
    // it (a counter id, a count two directories share): the manifest names those tasks, and the log shows them.
    type Integrity = { tasks: number; reference_rewarded: { strict: number }; hacks_rewarded: Record<string, { strict: number }> };
    const integrity = (JSON.parse(readFileSync(join(summary.dataset.dir, 'manifest.json'), 'utf8')) as { reward_integrity: Integrity }).reward_integrity;
    console.log(`${server} reward integrity ${JSON.stringify(integrity)}`);
    expect(integrity.reference_rewarded.strict).toBe(integrity.tasks);
    // Every hack earns nothing on what the export kept (it leaves out each task one paid on).
    for (const [hack, earned] of Object.entries(integrity.hacks_rewarded)) expect(earned.strict, hack).toBe(0);
    expect(summary.dataset.tasks).toBeGreaterThanOrEqual(MIN_TASKS[server]!);
    const verdicts = await worker().store.listVerdicts(summary.runId);
    for (const { id } of tasks) {
      const own = verdicts.filter((v) => v.taskId === id);
      for (const check of ['grounded', 'replayable', 'no-leakage', 'unambiguous', 'stable'] as const) {
        expect(own.find((v) => v.check === check)?.passed, `${id} ${check}`).toBe(true);
      }
    }
    const stored = new Map((await worker().store.listTasks(summary.runId)).map((t) => [t.id, t] as [string, Task]));
    callsPerTask.push(...tasks.map(({ id }) => stored.get(id)!.trajectory.length));
    served.push(server);

    // Replaying every verified task's reference trajectory: reward 1, every answer exact.
    const scores = (await client().workflow.execute('replayTasks', {
      taskQueue: config.taskQueue,
      workflowId: uniqueId(`replay-${server}`),
      args: [{ runId: summary.runId, policies: ['reference', 'offline-agent'] }],
    })) as PolicyScore[];
    const [reference, agent] = scores;
    // Every verified task replays, those the export's integrity check left out too.
    expect(reference).toMatchObject({ policy: 'reference', tasks: summary.tasks.verified, passed: summary.tasks.verified, passRate: 1 });
    expect(reference!.provenance).toMatchObject({ retrieved: 0, generated: 0, none: 0 });
    // The baseline agent answers every task, each of its calls tagged with where its answer came from.
    const answered = Object.values(agent!.provenance).reduce((a, b) => a + b, 0);
    expect(agent).toMatchObject({ policy: 'offline-agent', tasks: summary.tasks.verified });
    expect(answered).toBe(Object.values(reference!.provenance).reduce((a, b) => a + b, 0));

    console.log(
      `${server}: ${episodes.size} episodes, ${carrying.length}/${multiTool.length} multi-tool carry an output forward; ` +
        `${summary.tasks.candidates} candidates → ${summary.dataset.tasks} verified; rejected by check ${JSON.stringify(summary.tasks.rejectedByCheck)}; ` +
        `offline agent pass@1 ${agent!.passed}/${agent!.tasks}, answers ${JSON.stringify(agent!.provenance)}`,
    );
  });

  // Runs after the four above (a file's tests run in order) and reads what they exported.
  it('across the fleet, tasks average at least 2 calls and at least 30% use 3 or more', () => {
    expect(served).toEqual(FLEET);
    const mean = callsPerTask.reduce((a, b) => a + b, 0) / callsPerTask.length;
    const share = callsPerTask.filter((n) => n >= 3).length / callsPerTask.length;
    console.log(`fleet: ${callsPerTask.length} tasks, ${mean.toFixed(2)} calls per task, ${Math.round(share * 100)}% with 3 or more`);
    expect(mean).toBeGreaterThanOrEqual(2);
    expect(share).toBeGreaterThanOrEqual(0.3);
  });
});
