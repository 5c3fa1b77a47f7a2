import { describe, expect, it } from 'vitest';
import type { EnvDataset, EnvTask } from '../../../src/env/env-dataset.js';
import { EnvEpisode, submitReply } from '../../../src/env/env-episode.js';
import { checkRewardIntegrity, failingTasks } from '../../../src/env/reward-integrity.js';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { entity, handMadeInput, tools } from '../simulator/fixtures.js';

const cache = SimulatorCache.fromRecording(handMadeInput());
const simulator = new Simulator(cache);
const offered = tools.map((definition) => ({ name: definition.name, definition }));
const createBob = { tool: 'create_entities', arguments: { entities: [entity('Bob')] } };
const readGraph = { tool: 'read_graph', arguments: {} };
const failedCreate = { tool: 'create_entities', arguments: { entities: [{ name: 'Bad' }] } };

/** Create Bob, read the graph, report the first entity's observation (known only from a read). */
const task = (id = 'create-bob', field = 'name'): EnvTask => ({
  id,
  split: 'train',
  instruction: 'Create Bob, then read the graph and report the first observation.',
  answerSchema: { type: 'object', properties: { [field]: { type: 'string' } } },
  groundTruth: [{ field, value: 'Ada was here', step: 1, path: 'entities[0].observations[0]' }],
  tools: offered,
  trajectory: [createBob, readGraph],
  startState: cache.initialState,
  servers: ['memory'],
});

async function play(calls: Array<{ tool: string; arguments: object }>, answer: object, of = task()) {
  const episode = new EnvEpisode(of, simulator);
  for (const call of calls) await episode.call(call.tool, call.arguments as never);
  return episode.submit(answer as never);
}

describe('EnvEpisode: the reward checks the answer and the end state', () => {
  it('pays the reference: the right answer after the instructed write', async () => {
    expect(await play([createBob, readGraph], { name: 'Ada was here' })).toEqual({ reward: 1, fields: { name: true }, endState: true });
  });

  it('pays nothing for the right answer when the instructed write was skipped', async () => {
    expect(await play([readGraph], { name: 'Ada was here' })).toEqual({ reward: 0, fields: { name: true }, endState: false });
  });

  it('pays nothing when the episode wrote more than the reference, even where the recording has no answer for the write', async () => {
    const extra = { tool: 'create_entities', arguments: { entities: [entity('Eve')] } };
    expect(await play([createBob, readGraph, extra], { name: 'Ada was here' })).toMatchObject({ reward: 0, endState: false });
  });

  it('counts neither a write the server refused nor a read', async () => {
    expect(await play([failedCreate, createBob, readGraph, readGraph], { name: 'Ada was here' })).toMatchObject({ reward: 1, endState: true });
  });

  it('answers arguments an adapter filled with nulls as the recording has them', async () => {
    const episode = new EnvEpisode(task(), simulator);
    await episode.call('create_entities', createBob.arguments);
    const answer = await episode.call('read_graph', { depth: null } as never);
    expect(answer.provenance).toBe('exact');
  });

  it('tells the agent the same words whatever the verdict: the detail is the trainer\'s', async () => {
    const right = submitReply(await play([createBob, readGraph], { name: 'Ada was here' }));
    const wrong = submitReply(await play([], { name: 'Ada' }));
    expect(right.text).toBe(wrong.text);
    expect(right.detail).toMatchObject({ reward: 1, fields: { name: true }, end_state: true });
    expect(wrong.detail).toMatchObject({ reward: 0, fields: { name: false }, end_state: false });
  });
});

describe('checkRewardIntegrity', () => {
  const dataset = (tasks: EnvTask[]): EnvDataset => ({ name: 'memory', cache, tasks });

  it('holds on a task whose answer needs its write: skipping it, a blind search and the other hacks earn nothing', async () => {
    const report = await checkRewardIntegrity(dataset([task()]));
    expect(report.referenceRewarded.strict).toBe(1);
    expect(failingTasks(report)).toEqual(new Map());
  });

  it('finds tasks another task\'s answer pays on, and counts only the later of two that share one', async () => {
    const report = await checkRewardIntegrity(dataset([task('a-first'), task('b-second'), task('c-other-field', 'who')]));
    expect(report.hacksRewarded['other-task-answer'].strict).toEqual(['b-second']);
    expect(failingTasks(report)).toEqual(new Map([['b-second', 'other-task-answer']]));
  });

  it('keeps the same one of two tasks that share an answer whatever their ids, which name the run', async () => {
    const worded = (id: string, instruction: string): EnvTask => ({ ...task(id), instruction });
    const kept = async (first: string, second: string) => {
      const report = await checkRewardIntegrity(dataset([worded(first, 'A: create Bob, read the graph.'), worded(second, 'B: create Bob, then read the graph.')]));
      return report.hacksRewarded['other-task-answer'].strict;
    };
    expect(await kept('run1-a', 'run1-b')).toEqual(['run1-b']);
    expect(await kept('run2-z', 'run2-y')).toEqual(['run2-y']);
  });
});
