import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../../src/domain.js';
import { LlmAgentPolicy } from '../../../../src/llm/stages/llm-agent-policy.js';
import { UsageLedger } from '../../../../src/llm/usage-ledger.js';
import { reward } from '../../../../src/replay/reward.js';
import { OfflineSynthesizer } from '../../../../src/synthesize/offline-synthesizer.js';
import { anthropicText, anthropicToolUse } from '../../../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../../../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../../../helpers/fake-llm/fake-server.js';
import type { ScriptStep } from '../../../helpers/fake-llm/script.js';
import { memoryEpisode, simulatorFor } from '../../synthesize/fixtures/episodes.js';
import { anthropicClientFor, KEY, messagesOf } from './clients.js';

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A memory task of several steps, and the real simulator over its episode (SimulatorCache.fromRecording). */
async function setUp() {
  const episode = memoryEpisode();
  const tasks = await new OfflineSynthesizer().synthesize(episode.record);
  const task = tasks.find((t) => t.trajectory.length >= 2 && t.trajectory.some((s) => s.links.length > 0));
  if (!task) throw new Error('the memory fixture should give a linked multi-step task');
  return { episode, task, simulator: simulatorFor(episode) };
}

/** A model that makes the reference calls, one per turn, then says `final`. */
function referenceScript(task: Task, final: string): ScriptStep[] {
  return [...task.trajectory.map((step) => anthropicToolUse([{ name: step.tool, input: step.arguments }])), anthropicText(final)];
}

const rightAnswer = (task: Task) => `Done.\n\`\`\`json\n${JSON.stringify(Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value])))}\n\`\`\``;

describe('LlmAgentPolicy against a real simulator', () => {
  it('earns reward 1 when the model makes the reference calls and states the right answer', async () => {
    const { episode, task, simulator } = await setUp();
    server = await startFakeAnthropic({ apiKey: KEY, script: referenceScript(task, rightAnswer(task)) });
    const ledger = new UsageLedger();
    const policy = new LlmAgentPolicy({ client: anthropicClientFor(server), tools: episode.record.tools, ledger });
    const outcome = await policy.solve(task, simulator);

    expect(outcome.provenance).toEqual(task.trajectory.map(() => 'exact'));
    expect(outcome.unparsed).toBe(false);
    expect(reward(task, outcome.answer)).toBe(1);
    expect(outcome.run.stopped).toBe('answered');
    expect(outcome.run.toolCalls.map((c) => c.tool)).toEqual(task.trajectory.map((s) => s.tool));
    expect(ledger.byStage().agent?.calls).toBe(task.trajectory.length + 1);

    // Offered: the task's tools only. Asked: the instruction and the answer fields.
    const first = server.scripted[0]!.body as { tools: Array<{ name: string }> };
    expect(first.tools.map((t) => t.name)).toEqual([...new Set(task.trajectory.map((s) => s.tool))]);
    const asked = JSON.stringify(messagesOf(first)[0]);
    expect(asked).toContain(JSON.stringify(task.instruction).slice(1, 40));
    for (const g of task.groundTruth) expect(asked).toContain(`\\"${g.field}\\"`);
  });

  it('earns reward 0 for a wrong answer and for an answer that is not JSON', async () => {
    const { episode, task, simulator } = await setUp();
    const wrong = JSON.stringify(Object.fromEntries(task.groundTruth.map((g) => [g.field, 'something else'])));
    server = await startFakeAnthropic({ apiKey: KEY, script: [...referenceScript(task, wrong), ...referenceScript(task, 'I could not find it.')] });
    const policy = new LlmAgentPolicy({ client: anthropicClientFor(server), tools: episode.record.tools });

    const wrongOutcome = await policy.solve(task, simulator);
    expect(wrongOutcome.provenance).toEqual(task.trajectory.map(() => 'exact'));
    expect(reward(task, wrongOutcome.answer)).toBe(0);

    const prose = await policy.solve(task, simulator);
    expect(prose).toMatchObject({ unparsed: true, answer: {} });
    expect(reward(task, prose.answer)).toBe(0);
  });

  it('reports the provenance of a call the recording does not hold', async () => {
    const { episode, task, simulator } = await setUp();
    const first = task.trajectory[0]!;
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [anthropicToolUse([{ name: 'search_nodes', input: { query: 'Grace Hopper' } }]), anthropicText(rightAnswer(task))],
    });
    const outcome = await new LlmAgentPolicy({ client: anthropicClientFor(server), tools: episode.record.tools }).solve(task, simulator);
    expect(first.tool).toBe('search_nodes');
    expect(outcome.provenance).toHaveLength(1);
    expect(outcome.provenance[0]).not.toBe('exact');
  });
});
