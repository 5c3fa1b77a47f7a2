/**
 * `npm run bench:llm`: a run driven by a model, with a scripted Messages API server on this machine
 * standing in for Claude (it answers at once, so the figures are the pipeline's own). Prints JSON:
 * wall time, model requests per stage and per verified task, and the size of what each stage sends
 * (characters of request body: the real prompts, tool definitions and outputs a model would read),
 * with the input tokens and cost those would come to at ~4 characters per token and list prices.
 * The token figures are an estimate; a run against the real API records the exact ones.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { JsonValue } from '../src/domain.js';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { ANTHROPIC_DEFAULT_MODELS, withoutDefaultModelKey } from '../src/llm/config.js';
import { priceOf } from '../src/llm/cost.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import type { RunSummary } from '../src/api.js';
import { createFireflyWorker } from '../worker.js';
import { startFakeAnthropic } from '../test/helpers/fake-llm/anthropic-server.js';
import { pipelineModel, type PipelineStage } from '../test/helpers/fake-llm/pipeline-model.js';

const SUB_DAGS = Number(process.env.BENCH_SUB_DAGS ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const CHARS_PER_TOKEN = 4;
const KEY_ENV = 'FIREFLY_BENCH_ANTHROPIC_KEY';
const config = { ...runtimeConfig(), taskQueue: `bench-llm-${Date.now()}` };

Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
const model = pipelineModel({ hints: (input.server as { argumentHints: Record<string, JsonValue[]> }).argumentHints });
const fake = await startFakeAnthropic({ script: model.script, apiKey: 'bench-key' });
const worker = await createFireflyWorker(config, { env: { ...withoutDefaultModelKey(process.env), [KEY_ENV]: 'bench-key' } });
const client = await connectClient(config);
let summary: RunSummary;
const started = performance.now();
try {
  const handle = await startRun(client, config, `bench-llm-memory-${Date.now()}`, {
    ...input,
    subDagCount: SUB_DAGS,
    maxConcurrentExplorations: CONCURRENCY,
    llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV },
  });
  summary = (await handle.result()) as RunSummary;
} finally {
  await client.connection.close();
  await worker.shutdown();
  await fake.close();
}
const wallSeconds = (performance.now() - started) / 1000;
const verified = summary.tasks.verified;

// Requests arrive in the order the model answered them: pair each body with its stage.
const chars: Record<PipelineStage, number> = { judge: 0, explore: 0, synthesize: 0, verify: 0 };
fake.scripted.forEach((request, i) => (chars[model.stages[i]!] += request.rawBody.length));
const stages = (Object.keys(chars) as PipelineStage[]).map((stage) => {
  const requests = model.reportedByStage[stage].requests;
  const inputTokens = Math.round(chars[stage] / CHARS_PER_TOKEN);
  const price = priceOf(ANTHROPIC_DEFAULT_MODELS[stage]);
  return {
    stage,
    model: ANTHROPIC_DEFAULT_MODELS[stage],
    requests,
    requestsPerVerifiedTask: round(requests / verified),
    meanRequestChars: Math.round(chars[stage] / Math.max(1, requests)),
    estimatedInputTokens: inputTokens,
    // Input only, uncached: the upper bound of what the prompts cost; output depends on the model.
    estimatedInputCostUsd: price ? round((inputTokens / 1_000_000) * price.input, 4) : null,
  };
});
const inputCost = stages.reduce((sum, s) => sum + (s.estimatedInputCostUsd ?? 0), 0);
console.log(
  JSON.stringify(
    {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      settings: { server: 'memory', subDags: SUB_DAGS, concurrency: CONCURRENCY, model: 'scripted Messages API server on 127.0.0.1' },
      run: {
        wallSeconds: round(wallSeconds),
        calls: summary.calls,
        linkedCalls: summary.linkedCalls,
        candidates: summary.tasks.candidates,
        verified,
        modelRequests: model.reported.requests,
        modelRequestsPerSecond: round(model.reported.requests / wallSeconds),
        recordedTokensMatchServer: summary.llm.usage.total.inputTokens === model.reported.inputTokens,
      },
      stages,
      estimate: {
        charsPerToken: CHARS_PER_TOKEN,
        inputCostUsd: round(inputCost, 4),
        inputCostUsdPerVerifiedTask: round(inputCost / verified, 4),
      },
    },
    null,
    2,
  ),
);

function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
