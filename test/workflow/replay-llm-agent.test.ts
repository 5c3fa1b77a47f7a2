import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { verifiedTasks } from '../../activities/verified-tasks.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JsonValue, Task } from '../../src/domain.js';
import { passAtK } from '../../src/llm/stages/pass-at-k.js';
import { UsageLedger } from '../../src/llm/usage-ledger.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { llmTaskQueue, type PolicyScore, type RunSummary } from '../../src/api.js';
import { anthropicRateLimited, anthropicText, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { chatText, chatToolCalls } from '../helpers/fake-llm/openai-replies.js';
import { pipelineModel } from '../helpers/fake-llm/pipeline-model.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';
import type { RecordedRequest } from '../helpers/fake-llm/recording-server.js';
import type { Script, ScriptStep } from '../helpers/fake-llm/script.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const KEY = 'sk-ant-replay-test-key';
/** The worker's environment: the right key under one name, a revoked one under another. */
const env = { ...process.env, FIREFLY_REPLAY_KEY: KEY, FIREFLY_REPLAY_REVOKED_KEY: 'sk-ant-revoked' };

type Json = Record<string, unknown>;
type Turn = { call: { tool: string; arguments: unknown } } | { answer: string };

/**
 * A model that follows each task's reference trajectory (one call per turn, the recorded arguments),
 * then answers right or wrong as `passes(taskIndex, sample)` says. A task's samples run one after
 * the other in one activity, so the n-th conversation opened on a task is its n-th sample.
 */
function scriptedAgent(tasks: Task[], passes: (task: number, sample: number) => boolean) {
  const opened = new Map<string, number>();
  const reported = { calls: 0, inputTokens: 0, outputTokens: 0 };
  const turn = (instruction: string, step: number, isFirst: boolean) => {
    const index = tasks.findIndex((t) => instruction.startsWith(`${t.instruction}\n\n`));
    const task = tasks[index];
    if (!task) throw new Error(`no task has the instruction ${instruction.slice(0, 80)}`);
    if (isFirst) opened.set(task.id, (opened.get(task.id) ?? 0) + 1);
    const sample = opened.get(task.id)! - 1;
    const step_ = task.trajectory[step];
    const tools = [...new Set(task.trajectory.map((s) => s.tool))];
    const usage = { input: 200 + 10 * step, output: 15 + sample };
    reported.calls += 1;
    reported.inputTokens += usage.input;
    reported.outputTokens += usage.output;
    const next: Turn = step_
      ? { call: { tool: step_.tool, arguments: step_.arguments } }
      : { answer: answerText(task, passes(index, sample)) };
    return { next, usage, toolIndex: step_ ? tools.indexOf(step_.tool) : -1 };
  };
  return { reported, opened, turn };
}

function answerText(task: Task, right: boolean): string {
  const values = Object.fromEntries(task.groundTruth.map((g) => [g.field, right ? g.value : `not ${JSON.stringify(g.value)}`]));
  return `Here it is.\n\`\`\`json\n${JSON.stringify(values)}\n\`\`\``;
}

/** The Messages API side: the instruction is the first user turn; each earlier step is a tool_result turn. */
function anthropicScript(agent: ReturnType<typeof scriptedAgent>): (request: RecordedRequest) => ScriptStep {
  return (request) => {
    const body = request.body as Json;
    const messages = body.messages as Json[];
    const { next, usage, toolIndex } = agent.turn(instructionOf(request), (messages.length - 1) / 2, messages.length === 1);
    const options = { usage: { input_tokens: usage.input, output_tokens: usage.output } };
    if ('answer' in next) return anthropicText(next.answer, options);
    const name = String((body.tools as Json[])[toolIndex]!.name);
    return anthropicToolUse([{ name, input: next.call.arguments }], options);
  };
}

/** The first user turn of a Messages API request. */
function instructionOf(request: RecordedRequest): string {
  const first = ((request.body as Json).messages as Json[])[0]!.content;
  return typeof first === 'string' ? first : (first as Json[]).map((b) => String(b.text ?? '')).join('');
}

/** Whether a Messages API request opens a conversation on `task`. */
function opens(request: RecordedRequest, task: Task): boolean {
  return ((request.body as Json).messages as Json[]).length === 1 && instructionOf(request).startsWith(`${task.instruction}\n\n`);
}

/** The chat-completions side: a system message, the instruction, then per step an assistant and a tool message. */
function openAiScript(agent: ReturnType<typeof scriptedAgent>): (request: RecordedRequest) => ScriptStep {
  return (request) => {
    const body = request.body as Json;
    const messages = body.messages as Json[];
    const instruction = String(messages.find((m) => m.role === 'user')!.content);
    const step = messages.filter((m) => m.role === 'tool').length;
    const { next, usage, toolIndex } = agent.turn(instruction, step, step === 0);
    const options = { usage: { prompt_tokens: usage.input, completion_tokens: usage.output } };
    if ('answer' in next) return chatText(next.answer, options);
    const name = String(((body.tools as Json[])[toolIndex]!.function as Json).name);
    return chatToolCalls([{ name, arguments: next.call.arguments }], options);
  };
}

/** Calls and input tokens the run's store holds under stage `agent`. */
async function storedAgentUsage(store: ActivityDeps['store'], runId: string): Promise<{ calls: number; inputTokens: number }> {
  const rows = (await store.listLlmUsage(runId)).filter((row) => row.stage === 'agent');
  return { calls: rows.reduce((n, row) => n + row.calls, 0), inputTokens: rows.reduce((n, row) => n + row.inputTokens, 0) };
}

async function failureOf(handle: WorkflowHandle): Promise<WorkflowFailedError> {
  const failure = await handle.result().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  return failure as WorkflowFailedError;
}

describe('replayTasks with an LLM agent', () => {
  const { config, client, worker } = useTestWorker('replay-llm', { env });
  let runId: string;
  let tasks: Task[];
  let fake: FakeLlmServer | undefined;

  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  beforeAll(async () => {
    runId = uniqueId('replay-llm-run');
    // The example's server, with its setup and argument hints: tasks with several linked calls.
    const example = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const summary = (await (await startRun(client(), config, runId, { ...example, subDagCount: 4 })).result()) as RunSummary;
    expect(summary.llm.models).toEqual({ provider: 'offline' });
    tasks = await verifiedTasks({ store: worker().store } as ActivityDeps, runId);
    expect(tasks.length).toBeGreaterThanOrEqual(4);
  });

  const replay = (args: object, label = 'replay-llm') =>
    client().workflow.start('replayTasks', { taskQueue: config.taskQueue, workflowId: uniqueId(label), args: [{ runId, ...args }] });

  it('scores k samples per task against the fake Anthropic API: pass@1 and pass@k as passAtK gives them, provenance, tokens', async () => {
    // Task i passes its first (i mod 4) samples: some tasks never, some always, some in between.
    const passes = (task: number, sample: number) => sample < task % 4;
    const agent = scriptedAgent(tasks, passes);
    fake = await startFakeAnthropic({ apiKey: KEY, script: anthropicScript(agent) });
    const before = await storedAgentUsage(worker().store, runId);
    const handle = await replay({
      policies: ['reference', 'llm-agent'],
      samples: 3,
      llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: 'FIREFLY_REPLAY_KEY' },
    });
    const [reference, llm] = (await handle.result()) as PolicyScore[];

    expect(reference).toMatchObject({ policy: 'reference', tasks: tasks.length, samples: 1, passed: tasks.length, passRate: 1, passAt1: 1, passAtK: 1 });
    const results = tasks.map((_, i) => [0, 1, 2].map((sample) => passes(i, sample)));
    expect(llm).toMatchObject({ policy: 'llm-agent', tasks: tasks.length, samples: 3 });
    expect(llm!.passed).toBe(results.flat().filter(Boolean).length);
    expect(llm!.passAt1).toBeCloseTo(passAtK(results, 1), 12);
    expect(llm!.passAtK).toBeCloseTo(passAtK(results, 3), 12);
    expect(llm!.passRate).toBe(llm!.passAt1);
    expect(llm!.passedBySample).toEqual([0, 1, 2].map((sample) => results.filter((r) => r[sample]).length));
    expect(llm!.tasksByPassCount).toEqual([0, 1, 2, 3].map((c) => results.filter((r) => r.filter(Boolean).length === c).length));
    expect(llm!.failedExamples).toEqual(tasks.filter((_, i) => i % 4 === 0).slice(0, 5).map((t) => t.id));
    // Every sample made the reference calls, each answered exactly from the recording.
    const calls = tasks.reduce((n, t) => n + t.trajectory.length, 0);
    expect(llm!.provenance).toEqual({ exact: 3 * calls, retrieved: 0, generated: 0, none: 0 });
    expect([...agent.opened.values()]).toEqual(tasks.map(() => 3));

    // The replay's tokens: exactly what the fake reported, priced, and in the run's store under `agent`.
    expect(llm!.llm).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    const usage = llm!.llm!.usage;
    expect(usage.total).toMatchObject(agent.reported);
    expect(usage.entries).toEqual([expect.objectContaining({ stage: 'agent', model: 'claude-haiku-4-5', ...agent.reported })]);
    const priced = new UsageLedger();
    priced.add('agent', 'claude-haiku-4-5', { inputTokens: agent.reported.inputTokens, outputTokens: agent.reported.outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, agent.reported.calls);
    expect(usage.total.costUsd).toBeGreaterThan(0);
    expect(usage.total.costUsd).toBeCloseTo(priced.total().costUsd, 5);
    const after = await storedAgentUsage(worker().store, runId);
    expect(after.calls - before.calls).toBe(agent.reported.calls);
    expect(after.inputTokens - before.inputTokens).toBe(agent.reported.inputTokens);
    expect(fake.unscripted).toBe(0);

    // The model's work ran on the LLM task queue; the reference's on the run's own.
    const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    const queueOf = (type: string) => new Set(scheduled.filter((a) => a.activityType?.name === type).map((a) => a.taskQueue?.name));
    expect(queueOf('resolveReplayLlm')).toEqual(new Set([llmTaskQueue(config.taskQueue)]));
    expect(queueOf('replayTaskBatch')).toEqual(new Set([config.taskQueue, llmTaskQueue(config.taskQueue)]));
  });

  it('evaluates a model behind an OpenAI-compatible endpoint', async () => {
    const passes = (task: number, sample: number) => (task + sample) % 2 === 0;
    const agent = scriptedAgent(tasks, passes);
    fake = await startFakeOpenAi({ script: openAiScript(agent) });
    const handle = await replay({
      policies: ['llm-agent'],
      samples: 2,
      batchSize: 3,
      llm: { provider: 'openai-compatible', baseURL: fake.baseURL, model: 'qwen3:8b', prices: { qwen3: { input: 0.2, output: 0.6 } } },
    });
    const [llm] = (await handle.result()) as PolicyScore[];
    const results = tasks.map((_, i) => [0, 1].map((sample) => passes(i, sample)));
    expect(llm).toMatchObject({ policy: 'llm-agent', tasks: tasks.length, samples: 2, llm: { provider: 'openai-compatible', model: 'qwen3:8b' } });
    expect(llm!.passAt1).toBeCloseTo(passAtK(results, 1), 12);
    expect(llm!.passAtK).toBeCloseTo(passAtK(results, 2), 12);
    expect(llm!.passAtK).toBe(1);
    expect(llm!.llm!.usage.total).toMatchObject(agent.reported);
    expect(llm!.llm!.usage.total.costUsd).toBeCloseTo((agent.reported.inputTokens * 0.2 + agent.reported.outputTokens * 0.6) / 1e6, 5);
    expect(llm!.llm!.usage.unpricedModels).toEqual([]);
  });

  it('survives a 429 with retry-after: Temporal retries the batch after the wait, from the task it had reached', async () => {
    const agent = scriptedAgent(tasks, () => true);
    const answer = anthropicScript(agent);
    let limited = 0;
    fake = await startFakeAnthropic({
      apiKey: KEY,
      // The first batch's second task is rate limited as it starts; its first task is done by then.
      script: (request) => (limited === 0 && opens(request, tasks[1]!) ? (limited++, anthropicRateLimited('1')) : answer(request)),
    });
    const before = await storedAgentUsage(worker().store, runId);
    const started = Date.now();
    const handle = await replay({ policies: ['llm-agent'], llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: 'FIREFLY_REPLAY_KEY' } });
    const [llm] = (await handle.result()) as PolicyScore[];
    expect(limited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(llm).toMatchObject({ tasks: tasks.length, samples: 1, passed: tasks.length, passAt1: 1, passAtK: 1 });

    const attempts = ((await handle.fetchHistory()).events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
    expect(Math.max(...attempts)).toBe(2);
    // The retry resumed at the limited task: no task's conversation was had twice, no token paid twice.
    expect([...agent.opened.values()]).toEqual(tasks.map(() => 1));
    const after = await storedAgentUsage(worker().store, runId);
    expect(after.calls - before.calls).toBe(agent.reported.calls);
    expect(llm!.llm!.usage.total).toMatchObject(agent.reported);
  });

  it('fails at once on a refused key (401), naming the variable that holds it', async () => {
    fake = await startFakeAnthropic({ apiKey: KEY, script: anthropicScript(scriptedAgent(tasks, () => true)) });
    const handle = await replay({ policies: ['reference', 'llm-agent'], llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: 'FIREFLY_REPLAY_REVOKED_KEY' } });
    const failure = await failureOf(handle);
    expect(failure.cause?.message).toMatch(/401/);
    expect(failure.cause?.message).toMatch(/FIREFLY_REPLAY_REVOKED_KEY/);
    expect(failure.cause?.message).not.toContain('sk-ant-revoked');
    // No retry: the first attempt of every batch that reached the model was the last.
    const attempts = ((await handle.fetchHistory()).events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
    expect(Math.max(...attempts)).toBe(1);
    expect(fake.scripted).toHaveLength(0);
  });

  it("evaluates the run's own agent model when no llm is given", async () => {
    // A run driven by a model (the scripted pipeline), whose server then plays the agent.
    const example = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const pipeline = pipelineModel({ hints: (example.server as { argumentHints: Record<string, JsonValue[]> }).argumentHints });
    const runScript = pipeline.script as Extract<Script, (...args: never[]) => unknown>;
    let agent: ReturnType<typeof scriptedAgent> | undefined;
    fake = await startFakeAnthropic({ apiKey: KEY, script: (request, index) => (agent ? anthropicScript(agent)(request) : runScript(request, index)) });
    const llmRunId = uniqueId('replay-llm-online-run');
    const run = await startRun(client(), config, llmRunId, { ...example, subDagCount: 3, llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: 'FIREFLY_REPLAY_KEY' } });
    expect(((await run.result()) as RunSummary).llm.models).toMatchObject({ provider: 'anthropic', models: { agent: 'claude-haiku-4-5' } });
    const own = await verifiedTasks({ store: worker().store } as ActivityDeps, llmRunId);
    expect(own.length).toBeGreaterThan(0);

    agent = scriptedAgent(own, (task) => task % 2 === 0);
    const requestsBefore = fake.scripted.length;
    const [llm] = (await (
      await client().workflow.start('replayTasks', { taskQueue: config.taskQueue, workflowId: uniqueId('replay-llm-own'), args: [{ runId: llmRunId, policies: ['llm-agent'] }] })
    ).result()) as PolicyScore[];
    expect(llm).toMatchObject({ tasks: own.length, samples: 1, passed: own.filter((_, i) => i % 2 === 0).length, llm: { provider: 'anthropic', model: 'claude-haiku-4-5' } });
    const asked = fake.scripted.slice(requestsBefore).map((r) => (r.body as Json).model);
    expect(new Set(asked)).toEqual(new Set(['claude-haiku-4-5']));
    expect(llm!.llm!.usage.total).toMatchObject(agent.reported);
  });

  it('runs the free policies only when none are named, each once per task', async () => {
    const scores = (await (await replay({ samples: 4 })).result()) as PolicyScore[];
    expect(scores.map((s) => s.policy)).toEqual(['reference', 'offline-agent']);
    for (const score of scores) {
      expect(score).toMatchObject({ samples: 1, passAt1: score.passRate, passAtK: score.passRate, passedBySample: [score.passed] });
      expect(score.llm).toBeUndefined();
    }
  });

  it.each([
    [{ samples: 0 }, /input\.samples.*1 to 20.*0/],
    [{ samples: 21 }, /input\.samples.*21/],
    [{ samples: 1.5 }, /input\.samples.*1\.5/],
    [{ policies: ['llm-agent'] }, /input\.llm: .*offline/],
    [{ policies: ['llm-agent'], llm: { provider: 'openai-compatible' } }, /input\.llm\.baseURL/],
    [{ policies: ['llm-agent'], llm: { provider: 'anthropic', apiKeyEnv: 'FIREFLY_NO_SUCH_KEY' } }, /input\.llm\.apiKeyEnv.*FIREFLY_NO_SUCH_KEY/],
  ])('refuses %j before any batch runs, naming the field', async (input, expected) => {
    const handle = await replay(input, 'bad-replay-llm');
    const failure = await failureOf(handle);
    expect(failure.cause?.message).toMatch(expected);
    const types = ((await handle.fetchHistory()).events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    expect(types).not.toContain('replayTaskBatch');
  });
});
