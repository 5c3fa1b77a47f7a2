import { ApplicationFailure } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { temporalCli } from '../helpers/cli.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const SUB_DAGS = 12;
const FAIL_FROM = 6;

/**
 * A run fails part-way (a non-retryable fault injected once half of its sub-DAGs are done); the
 * fault is fixed, and the run is resumed the two ways a user would, from the Temporal CLI.
 */
describe('resuming a failed run', () => {
  const explored: number[] = [];
  let faultArmed = true;
  let synthesisFaultAt: number | undefined;
  let inputFile: string;
  const { config, worker, client } = useTestWorker('resume', {
    wrapActivities: (activities) => ({
      ...activities,
      exploreEpisode: async (input) => {
        explored.push(input.subDagIndex);
        if (faultArmed && input.subDagIndex >= FAIL_FROM) {
          throw ApplicationFailure.nonRetryable('injected fault: the server broke', 'InjectedFault');
        }
        return activities.exploreEpisode(input);
      },
      synthesizeTasks: async (input) => {
        if (input.subDagIndex === synthesisFaultAt) {
          throw ApplicationFailure.nonRetryable('injected fault: the synthesizer broke', 'InjectedFault');
        }
        return activities.synthesizeTasks(input);
      },
    }),
  });

  beforeAll(async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    inputFile = join(config.dataDir, 'input.json');
    writeFileSync(inputFile, JSON.stringify({ ...input, subDagCount: SUB_DAGS, maxConcurrentExplorations: 1 }));
  });

  async function failPartWay(workflowId: string) {
    faultArmed = true;
    explored.length = 0;
    await temporalCli(config, ['workflow', 'start', '--type', 'generateServerDataset', '--task-queue', config.taskQueue,
      '--workflow-id', workflowId, '--input-file', inputFile]);
    const failure = await client().workflow.getHandle(workflowId).result().catch((error: Error) => error);
    expect(String((failure as Error & { cause?: Error }).cause?.message)).toMatch(/injected fault/);
    const done = (await worker().store.listEpisodes(workflowId)).filter((e) => e.subDagIndex >= 0 && e.status === 'done');
    expect(done.map((e) => e.subDagIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    const before = await worker().store.listCalls(workflowId);
    faultArmed = false;
    explored.length = 0;
    return before.filter((c) => c.subDagIndex >= 0);
  }

  async function expectResumedWithoutRepeating(workflowId: string, before: Awaited<ReturnType<typeof failPartWay>>) {
    const summary = (await client().workflow.getHandle(workflowId).result()) as RunSummary;
    expect(summary.subDags.explored).toBe(SUB_DAGS);
    // Nothing finished before the failure was explored again…
    expect(explored.filter((i) => i < FAIL_FROM)).toEqual([]);
    expect([...new Set(explored)].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11]);
    // …and its records are exactly what they were.
    const after = (await worker().store.listCalls(workflowId)).filter((c) => c.subDagIndex >= 0);
    expect(after.filter((c) => c.subDagIndex < FAIL_FROM)).toEqual(before);
    const episodes = (await worker().store.listEpisodes(workflowId)).filter((e) => e.subDagIndex >= 0);
    expect(episodes.map((e) => e.status)).toEqual(Array(SUB_DAGS).fill('done'));
  }

  it('with temporal workflow reset', async () => {
    const workflowId = uniqueId('resume-reset');
    const before = await failPartWay(workflowId);
    await temporalCli(config, ['workflow', 'reset', '--workflow-id', workflowId, '--type', 'FirstWorkflowTask',
      '--reason', 'the server is fixed']);
    await expectResumedWithoutRepeating(workflowId, before);
  });

  it('by starting the same workflow ID again', async () => {
    const workflowId = uniqueId('resume-restart');
    const before = await failPartWay(workflowId);
    await temporalCli(config, ['workflow', 'start', '--type', 'generateServerDataset', '--task-queue', config.taskQueue,
      '--workflow-id', workflowId, '--input-file', inputFile]);
    await expectResumedWithoutRepeating(workflowId, before);
  });

  it('re-synthesizes a sub-DAG whose exploration finished but whose synthesis failed', async () => {
    const workflowId = uniqueId('resume-synthesis');
    faultArmed = false;
    synthesisFaultAt = 2;
    await temporalCli(config, ['workflow', 'start', '--type', 'generateServerDataset', '--task-queue', config.taskQueue,
      '--workflow-id', workflowId, '--input-file', inputFile]);
    const failure = await client().workflow.getHandle(workflowId).result().catch((error: Error) => error);
    expect(String((failure as Error & { cause?: Error }).cause?.message)).toMatch(/synthesizer broke/);
    // Sub-DAG 2 was explored, but without its tasks it is not done.
    expect((await worker().store.getEpisode(workflowId, 2))?.status).toBe('done');
    expect((await worker().store.listSynthesized(workflowId)).has(2)).toBe(false);

    synthesisFaultAt = undefined;
    await temporalCli(config, ['workflow', 'start', '--type', 'generateServerDataset', '--task-queue', config.taskQueue,
      '--workflow-id', workflowId, '--input-file', inputFile]);
    const summary = (await client().workflow.getHandle(workflowId).result()) as RunSummary;
    expect(summary.subDags.explored).toBe(SUB_DAGS);
    expect([...(await worker().store.listSynthesized(workflowId)).keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: SUB_DAGS }, (_, i) => i),
    );
    // Its tasks are recorded once, as many as its synthesis says it made.
    const made = (await worker().store.listTasks(workflowId)).filter((t) => t.subDagIndex === 2).length;
    expect((await worker().store.listSynthesized(workflowId)).get(2)).toBe(made);
  });
});
