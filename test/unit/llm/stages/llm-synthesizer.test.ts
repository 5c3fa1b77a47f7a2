import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS, grounded, inputsAvailable, noLeakage } from '../../../../src/verify/checks.js';
import { LlmSynthesizer, type SynthesisRejection } from '../../../../src/llm/stages/llm-synthesizer.js';
import { UsageLedger } from '../../../../src/llm/usage-ledger.js';
import { anthropicToolUse } from '../../../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../../../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../../../helpers/fake-llm/fake-server.js';
import { memoryEpisode, simulatorFor } from '../../synthesize/fixtures/episodes.js';
import { anthropicClientFor, KEY, messagesOf } from './clients.js';

/**
 * The memory fixture episode: 2 search "Babbage", 3 add an observation to the entity found,
 * 4 search "Turing", 5 read the graph, 6 a failed add, 7 open the node found in step 2.
 */
const GOOD = {
  instruction:
    'In my knowledge graph, search for "Babbage", add the observation "Proposed the Analytical Engine in 1837" to the entity you find, then open that entity. What is its full name, and what was its first recorded observation?',
  answerTemplate: 'The entity is {fullName}; its first observation is {firstObservation}.',
  difficulty: 'medium',
  trajectory: [2, 3, 7],
  answers: [
    // A value the model writes is ignored: the recording decides.
    { field: 'fullName', step: 2, path: 'entities[0].name', description: 'the full name of the entity found', value: 'Ada Lovelace' },
    { field: 'firstObservation', step: 7, path: 'entities[0].observations[0]', description: 'its first observation' },
  ],
};

const withAnswers = (answers: unknown[], trajectory = [2, 3, 7]) => ({ ...GOOD, trajectory, answers });
const BAD = [
  withAnswers([{ field: 'birthplace', step: 7, path: 'entities[0].birthplace', description: 'where it was born' }]),
  withAnswers([{ field: 'error', step: 6, path: 'text', description: 'the error' }], [2, 6]),
  withAnswers([
    { field: 'name', step: 2, path: 'entities[0].name', description: 'the name' },
    { field: 'name', step: 7, path: 'entities[0].entityType', description: 'the type' },
  ]),
  withAnswers([{ field: 'entity', step: 7, path: 'entities[0]', description: 'the entity' }]),
  withAnswers([{ field: 'type', step: 5, path: 'entities[0].entityType', description: 'the type' }]),
  withAnswers([{ field: 'observation', step: 7, path: 'entities[0].observations[]', description: 'an observation' }]),
  { ...GOOD, trajectory: [7, 2] },
];

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LlmSynthesizer against the Messages API fake', () => {
  it('builds tasks whose ground truth is read from the recording, and which pass the deterministic checks', async () => {
    const episode = memoryEpisode();
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [anthropicToolUse([{ name: 'submit_tasks', input: { tasks: [GOOD] } }], { usage: { input_tokens: 1200, output_tokens: 300, cache_creation_input_tokens: 800 } })],
    });
    const ledger = new UsageLedger();
    const synthesizer = new LlmSynthesizer({ client: anthropicClientFor(server), ledger });
    const tasks = await synthesizer.synthesize(episode.record);

    expect(synthesizer.rejections).toEqual([]);
    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task).toMatchObject({ runId: episode.record.runId, server: 'memory', subDagIndex: 0, synthesizer: 'claude-haiku-4-5', difficulty: 'medium', instruction: GOOD.instruction });
    expect(task.trajectory.map((s) => [s.tool, s.recorded.step])).toEqual([
      ['search_nodes', 2],
      ['add_observations', 3],
      ['open_nodes', 7],
    ]);
    // Links point at trajectory positions, not recorded steps.
    expect(task.trajectory[2]!.links).toEqual([{ argument: 'names[0]', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }]);
    expect(task.groundTruth).toEqual([
      { field: 'fullName', value: 'Charles Babbage', source: { trajectoryStep: 0, path: 'entities[0].name' } },
      { field: 'firstObservation', value: 'Designed the Difference Engine', source: { trajectoryStep: 2, path: 'entities[0].observations[0]' } },
    ]);
    expect(task.answerSchema).toMatchObject({ required: ['fullName', 'firstObservation'], properties: { fullName: { type: 'string', description: 'the full name of the entity found' } } });

    const context = { tools: episode.record.tools, simulator: simulatorFor(episode) };
    for (const check of [grounded, noLeakage, inputsAvailable]) expect(await check(task, context)).toMatchObject({ passed: true });
    // The whole verifier agrees, replay through the real simulator included.
    for (const [name, check] of CHECKS) expect([name, (await check(task, context)).passed]).toEqual([name, true]);

    // Same episode, same pointers: the same id.
    server.enqueue(anthropicToolUse([{ name: 'submit_tasks', input: { tasks: [GOOD] } }]));
    expect((await synthesizer.synthesize(episode.record))[0]!.id).toBe(task.id);

    expect(ledger.byStage().synthesize).toMatchObject({ calls: 2, inputTokens: 1300, cacheWriteTokens: 800 });
    const request = server.scripted[0]!.body as { tool_choice: unknown; system: unknown; tools: Array<{ name: string }> };
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'submit_tasks' });
    expect(request.system).toMatchObject([{ type: 'text', cache_control: { type: 'ephemeral' } }]);
    // The model is shown successful exploration calls only: no setup, no failed call.
    const prompt = JSON.stringify(messagesOf(request)[0]);
    expect(prompt).toContain('Step 7: open_nodes');
    expect(prompt).not.toContain('Step 6:');
    expect(prompt).not.toContain('Step 0:');
  });

  it('rejects wrong pointers, failed or unordered steps and duplicate fields, each with its reason', async () => {
    const episode = memoryEpisode();
    server = await startFakeAnthropic({ apiKey: KEY, script: [anthropicToolUse([{ name: 'submit_tasks', input: { tasks: [GOOD, GOOD, ...BAD] } }])] });
    const seen: SynthesisRejection[] = [];
    const synthesizer = new LlmSynthesizer({ client: anthropicClientFor(server), maxTasks: 10, onReject: (r) => seen.push(r) });
    const tasks = await synthesizer.synthesize(episode.record);

    expect(tasks).toHaveLength(1);
    expect(seen).toEqual(synthesizer.rejections);
    expect(synthesizer.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'the same trajectory and answers as an earlier proposal'],
      [2, "birthplace: step 7's output has nothing at entities[0].birthplace"],
      [3, 'trajectory step 6 is not a recorded successful call'],
      [4, 'answer field name is given twice'],
      [5, "entity: entities[0] in step 7's output is an object, not a text or number"],
      [6, 'type: step 5 is not in the trajectory'],
      [7, "observation: entities[0].observations[] matches 3 values in step 7's output; point at one"],
      [8, 'trajectory is not in recorded order'],
    ]);
    expect(synthesizer.rejections[1]).toMatchObject({ runId: episode.record.runId, subDagIndex: 0, proposal: BAD[0] });
  });

  it('records a reply without the submit call as one rejection', async () => {
    server = await startFakeAnthropic({ apiKey: KEY, script: [anthropicToolUse([{ name: 'submit_tasks', input: { nothing: true } }])] });
    const synthesizer = new LlmSynthesizer({ client: anthropicClientFor(server) });
    expect(await synthesizer.synthesize(memoryEpisode().record)).toEqual([]);
    expect(synthesizer.rejections).toMatchObject([{ index: -1, reason: 'the model did not submit a list of tasks with submit_tasks' }]);
  });
});
