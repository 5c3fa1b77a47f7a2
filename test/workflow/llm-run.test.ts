/**
 * A whole generation run driven by a model: the real Anthropic SDK talks to a local server that
 * speaks the Messages API, scripted to judge the tool graph, explore the real memory server with
 * tool calls, write tasks backward and judge them. What the run records, exports and reports about
 * its models must match what that server answered, token for token.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/domain.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { costOf } from '../../src/llm/cost.js';
import { EDGE_TOOL_NAME } from '../../src/llm/stages/edge-judge-prompt.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { progressQuery, type GenerateServerDatasetInput, type RunSummary } from '../../src/api.js';
import { anthropicError, anthropicOverloaded, anthropicRateLimited, anthropicServerError } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { pipelineModel, type PipelineModel, type PipelineModelOptions } from '../helpers/fake-llm/pipeline-model.js';
import { hang } from '../helpers/fake-llm/script.js';
import { expectEveryStepOnce } from '../helpers/records.js';
import { bundleWorkflows, connect, isolatedConfig, uniqueId, useTestWorker } from '../helpers/temporal.js';
import { createFireflyWorker } from '../../worker.js';

// Recorded bodies are read loosely: the assertions say what must be there.
type Json = Record<string, any>;

const KEY_ENV = 'FIREFLY_TEST_ANTHROPIC_KEY';
const KEY = 'sk-ant-test-0000';

describe('a run driven by Claude (a local Messages API server)', () => {
  const { config, worker, client } = useTestWorker('llm-run', { env: { ...process.env, [KEY_ENV]: KEY } });
  const servers: FakeLlmServer[] = [];
  let input: GenerateServerDatasetInput;
  beforeAll(async () => {
    input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function run(label: string, options: Omit<PipelineModelOptions, 'hints'> = {}, llm: Record<string, unknown> = {}) {
    const spec = input.server as { argumentHints: Record<string, JsonValue[]> };
    const model = pipelineModel({ ...options, hints: spec.argumentHints });
    const chat = options.protocol === 'openai-compatible';
    const fake = await (chat ? startFakeOpenAi : startFakeAnthropic)({ script: model.script, apiKey: KEY });
    servers.push(fake);
    const handle = await startRun(client(), config, uniqueId(label), {
      ...input,
      subDagCount: 3,
      llm: { provider: chat ? 'openai-compatible' : 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV, ...llm },
    });
    const summary = (await handle.result()) as RunSummary;
    return { model, fake, handle, summary };
  }

  it('explores, writes and judges tasks with the model, and its manifest adds up to what the server reported', async () => {
    const { model, handle, summary } = await run('llm-run');

    // Every stage asked the model, and the run kept what it answered.
    for (const stage of ['judge', 'explore', 'synthesize', 'verify'] as const) {
      expect(model.reportedByStage[stage].requests, stage).toBeGreaterThan(0);
    }
    expect(summary.planner).toBe('anthropic:claude-sonnet-4-6');
    expect(summary.subDags.explored).toBe(3);
    expect(summary.calls).toBeGreaterThan(0);
    expect(summary.tasks.verified).toBeGreaterThan(0);
    await expectEveryStepOnce(worker().store, summary.runId);
    const calls = (await worker().store.listCalls(summary.runId)).filter((c) => c.subDagIndex >= 0 && c.phase === 'explore');
    expect(calls.every((c) => c.planner === 'anthropic:claude-sonnet-4-6')).toBe(true);
    // The model carried outputs into later inputs, and the recording says where each came from.
    expect(calls.some((c) => c.links.length > 0)).toBe(true);
    const verdicts = await worker().store.listVerdicts(summary.runId);
    expect(verdicts.filter((v) => v.check === 'llm-judge' && v.passed).length).toBe(summary.tasks.verified);

    // The manifest names each stage's model, and its token totals are the server's.
    const manifest = JSON.parse(readFileSync(join(summary.dataset.dir, 'manifest.json'), 'utf8'));
    expect(manifest.llm.provider).toBe('anthropic');
    expect(manifest.llm.models).toEqual({
      agent: 'claude-haiku-4-5',
      explore: 'claude-sonnet-4-6',
      judge: 'claude-haiku-4-5',
      simulate: 'claude-haiku-4-5',
      synthesize: 'claude-sonnet-4-6',
      verify: 'claude-haiku-4-5',
    });
    expect(manifest.llm.usage.total).toMatchObject({
      requests: model.reported.requests,
      input_tokens: model.reported.inputTokens,
      output_tokens: model.reported.outputTokens,
      cache_read_tokens: model.reported.cacheReadTokens,
      cache_write_tokens: model.reported.cacheWriteTokens,
    });
    for (const entry of manifest.llm.usage.by_stage as Array<{ stage: 'judge' | 'explore' | 'synthesize' | 'verify'; requests: number; input_tokens: number }>) {
      expect(entry.requests, entry.stage).toBe(model.reportedByStage[entry.stage].requests);
      expect(entry.input_tokens, entry.stage).toBe(model.reportedByStage[entry.stage].inputTokens);
    }
    // Priced from the built-in table, stage by stage.
    const expectedCost = (Object.keys(model.reportedByStage) as Array<keyof PipelineModel['reportedByStage']>).reduce((sum, stage) => {
      const r = model.reportedByStage[stage];
      return sum + costOf(manifest.llm.models[stage], r);
    }, 0);
    expect(manifest.llm.usage.total.cost_usd).toBeCloseTo(expectedCost, 5);
    expect(manifest.llm.usage.cost_usd_per_verified_task).toBeCloseTo(expectedCost / summary.dataset.tasks, 5);
    const card = readFileSync(join(summary.dataset.dir, 'README.md'), 'utf8');
    expect(card).toContain(`They used ${model.reported.requests} requests`);

    // The summary, the progress query and the memo say the same.
    expect(summary.llm.usage.total.calls).toBe(model.reported.requests);
    expect(summary.llm.perVerifiedTask?.costUsd).toBeCloseTo(expectedCost / summary.tasks.verified, 5);
    const progress = await handle.query(progressQuery);
    expect(progress.llm.usage?.total.calls).toBe(model.reported.requests);
    const memo = (await handle.describe()).memo as { llm: { provider: string; calls: number; costUsd: number } };
    expect(memo.llm).toMatchObject({ provider: 'anthropic', calls: model.reported.requests });
    expect(memo.llm.costUsd).toBeCloseTo(expectedCost, 5);

    // The model's activities ran on the LLM task queue.
    const history = await handle.fetchHistory();
    const queues = new Set(
      (history.events ?? []).flatMap((e) => {
        const a = e.activityTaskScheduledEventAttributes;
        return a && ['buildToolGraph', 'verifyTasks'].includes(a.activityType?.name ?? '') ? [a.taskQueue?.name] : [];
      }),
    );
    expect([...queues]).toEqual([`${config.taskQueue}-llm`]);
  });

  it('runs the same way on a local OpenAI-compatible server, priced with the prices the run gives', async () => {
    const { model, summary } = await run('llm-chat', { protocol: 'openai-compatible' }, { model: 'qwen3:8b', prices: { qwen3: { input: 0.2, output: 0.6 } } });
    for (const stage of ['judge', 'explore', 'synthesize', 'verify'] as const) {
      expect(model.reportedByStage[stage].requests, stage).toBeGreaterThan(0);
    }
    expect(summary.planner).toBe('openai-compatible:qwen3:8b');
    expect(summary.tasks.verified).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(summary.dataset.dir, 'manifest.json'), 'utf8'));
    expect(manifest.llm.provider).toBe('openai-compatible');
    expect(new Set(Object.values(manifest.llm.models))).toEqual(new Set(['qwen3:8b']));
    expect(manifest.llm.usage.total).toMatchObject({
      requests: model.reported.requests,
      input_tokens: model.reported.inputTokens,
      output_tokens: model.reported.outputTokens,
      cache_read_tokens: model.reported.cacheReadTokens,
      cache_write_tokens: 0,
    });
    // Cache reads at the input price: the run gave no cheaper one.
    const { inputTokens, outputTokens, cacheReadTokens } = model.reported;
    expect(manifest.llm.usage.total.cost_usd).toBeCloseTo(((inputTokens + cacheReadTokens) * 0.2 + outputTokens * 0.6) / 1_000_000, 6);
    expect(manifest.llm.usage.unpriced_models).toEqual([]);
  });

  it('survives 429 with retry-after, 529, 500 and a request that times out, without counting them as spend', async () => {
    // One fault of each kind at a different stage; the activity is retried by Temporal each time.
    const faults = new Map([
      [0, anthropicRateLimited('1')],
      [3, anthropicOverloaded()],
      [6, hang()],
      [9, anthropicServerError()],
    ]);
    // And rate limits on the pair judge's second batch and the task judge's second verdict: each
    // retry pays only for what the attempt before it had not got answered.
    let judgeRequests = 0;
    let verifyRequests = 0;
    const fault = (index: number, stage: string) =>
      faults.get(index) ??
      ((stage === 'judge' && ++judgeRequests === 2) || (stage === 'verify' && ++verifyRequests === 2) ? anthropicRateLimited('1') : undefined);
    const { model, fake, summary } = await run('llm-faults', { fault }, { timeoutMs: 3_000 });
    expect(summary.subDags.explored).toBe(3);
    expect(summary.tasks.verified).toBeGreaterThan(0);
    expect(fake.scripted.length).toBe(model.reported.requests + faults.size + 2);
    // Every batch of pairs was paid for once.
    const batches = new Set(fake.scripted.filter((r) => (r.body as Json).tool_choice?.name === EDGE_TOOL_NAME).map((r) => JSON.stringify((r.body as Json).messages)));
    expect(model.reportedByStage.judge.requests).toBe(batches.size);
    const judged = (await worker().store.listVerdicts(summary.runId)).filter((v) => v.check === 'llm-judge');
    expect(judged.length).toBeGreaterThanOrEqual(2);
    expect(model.reportedByStage.verify.requests).toBe(judged.length);
    await expectEveryStepOnce(worker().store, summary.runId);
    const manifest = JSON.parse(readFileSync(join(summary.dataset.dir, 'manifest.json'), 'utf8'));
    expect(manifest.llm.usage.total.requests).toBe(model.reported.requests);
    expect(manifest.llm.usage.total.input_tokens).toBe(model.reported.inputTokens);
  });

  it('a worker shut down while a model answer is pending loses no sub-DAG: the cancelled activity runs again on the next worker', async () => {
    const shutdownConfig = isolatedConfig('llm-shutdown');
    const bundle = await bundleWorkflows();
    const env = { ...process.env, [KEY_ENV]: KEY };
    let pending: (() => void) | undefined;
    const waiting = new Promise<void>((resolve) => (pending = resolve));
    // The first exploration turn never gets an answer: the worker holding it is shut down meanwhile.
    const model = pipelineModel({
      hints: (input.server as { argumentHints: Record<string, JsonValue[]> }).argumentHints,
      fault: (_index, stage) => (stage === 'explore' && pending ? (pending(), (pending = undefined), hang()) : undefined),
    });
    const fake = await startFakeAnthropic({ script: model.script, apiKey: KEY });
    servers.push(fake);
    const first = await createFireflyWorker(shutdownConfig, { workflowBundle: bundle, env });
    const connection = await connect(shutdownConfig);
    try {
      const handle = await startRun(connection, shutdownConfig, uniqueId('llm-shutdown'), {
        ...input,
        subDagCount: 3,
        llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV },
      });
      await waiting;
      await first.shutdown();
      const second = await createFireflyWorker(shutdownConfig, { workflowBundle: bundle, env });
      try {
        const summary = (await handle.result()) as RunSummary;
        expect(summary.subDags).toMatchObject({ total: 3, explored: 3, failed: [] });
        await expectEveryStepOnce(second.store, summary.runId);
      } finally {
        await second.shutdown();
      }
    } finally {
      await connection.connection.close();
    }
  });

  it('fails at once on a refused key (401), naming where the key comes from', async () => {
    const fake = await startFakeAnthropic({ script: () => anthropicError(500, 'api_error', 'never reached'), apiKey: 'another-key' });
    servers.push(fake);
    const handle = await startRun(client(), config, uniqueId('llm-401'), {
      ...input,
      subDagCount: 2,
      llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV },
    });
    const failure = await handle.result().then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure).toBeDefined();
    let cause: Error | undefined = failure;
    while (cause?.cause instanceof Error) cause = cause.cause;
    expect(cause?.message).toMatch(/401|key/i);
    expect(cause?.message).toContain(KEY_ENV);
    // Refused once per stage attempt, not retried: one request reached the server.
    expect(fake.requests.length).toBe(1);
  });
});
