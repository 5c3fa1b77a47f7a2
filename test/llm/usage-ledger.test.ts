import { afterEach, describe, expect, it } from 'vitest';
import { priceTableOf, resolveLlmConfig } from '../../src/llm/config.js';
import { costOf } from '../../src/llm/cost.js';
import { createLlmClient } from '../../src/llm/create-client.js';
import { MalformedOutputError } from '../../src/llm/errors.js';
import type { LlmStage } from '../../src/llm/stages.js';
import type { LlmClient, LlmUsage } from '../../src/llm/types.js';
import { UsageLedger } from '../../src/llm/usage-ledger.js';
import { anthropicMessage, anthropicText, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { chatText } from '../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';
import { firstTurn } from './conversation.js';

const servers: FakeLlmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Records a call's usage the way a stage will: the response's own model, or the error's when the output was malformed. */
async function call(ledger: UsageLedger, stage: LlmStage, client: LlmClient): Promise<void> {
  try {
    const response = await client.complete(firstTurn());
    ledger.add(stage, response.model, response.usage);
  } catch (error) {
    if (!(error instanceof MalformedOutputError)) throw error;
    ledger.add(stage, error.model, error.usage);
  }
}

describe('usage and cost across calls and stages', () => {
  it('add up to what the servers reported, priced per model, through clients made from a run configuration', async () => {
    const env = { ANTHROPIC_API_KEY: 'sk-ant-fake' };
    const anthropic = await startFakeAnthropic({
      apiKey: env.ANTHROPIC_API_KEY,
      script: [
        anthropicText('edge: yes', { usage: { input_tokens: 1000, output_tokens: 200, cache_creation_input_tokens: 500 } }),
        anthropicText('edge: no', { usage: { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 500 } }),
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Ada' } }], { usage: { input_tokens: 2000, output_tokens: 400 } }),
        // Billed although unusable: its tokens must count too.
        anthropicMessage([{ type: 'tool_use', name: 'open_nodes' }], { stopReason: 'tool_use', usage: { input_tokens: 300, output_tokens: 30 } }),
      ],
    });
    const local = await startFakeOpenAi({ script: [chatText('42', { usage: { prompt_tokens: 700, completion_tokens: 70, cached_tokens: 600 } })] });
    servers.push(anthropic, local);

    const claude = resolveLlmConfig({ baseURL: anthropic.baseURL, models: { judge: 'claude-haiku-4-5', explore: 'claude-sonnet-4-6' } }, env);
    const offline = resolveLlmConfig({ provider: 'openai-compatible', baseURL: local.baseURL, model: 'qwen3:8b' }, {});
    const ledger = new UsageLedger(priceTableOf(claude));
    await call(ledger, 'judge', createLlmClient(claude, 'judge', env)!);
    await call(ledger, 'judge', createLlmClient(claude, 'judge', env)!);
    await call(ledger, 'explore', createLlmClient(claude, 'explore', env)!);
    await call(ledger, 'explore', createLlmClient(claude, 'explore', env)!);
    await call(ledger, 'agent', createLlmClient(offline, 'agent', {})!);

    expect(anthropic.requests).toHaveLength(4);
    expect(anthropic.requests.map((request) => (request.body as { model: string }).model)).toEqual(['claude-haiku-4-5', 'claude-haiku-4-5', 'claude-sonnet-4-6', 'claude-sonnet-4-6']);

    const u = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0): LlmUsage => ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens });
    const judge = costOf('claude-haiku-4-5', u(1100, 250, 500, 500));
    const explore = costOf('claude-sonnet-4-6', u(2300, 430));
    expect(judge).toBeCloseTo((1100 * 1 + 250 * 5 + 500 * 0.1 + 500 * 1.25) / 1e6, 12);
    expect(explore).toBeCloseTo((2300 * 3 + 430 * 15) / 1e6, 12);

    const snapshot = ledger.snapshot();
    expect(snapshot.entries).toEqual([
      { stage: 'judge', model: 'claude-haiku-4-5', calls: 2, inputTokens: 1100, outputTokens: 250, cacheReadTokens: 500, cacheWriteTokens: 500, costUsd: round(judge) },
      { stage: 'explore', model: 'claude-sonnet-4-6', calls: 2, inputTokens: 2300, outputTokens: 430, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: round(explore) },
      { stage: 'agent', model: 'qwen3:8b', calls: 1, inputTokens: 100, outputTokens: 70, cacheReadTokens: 600, cacheWriteTokens: 0, costUsd: 0 },
    ]);
    expect(snapshot.total).toEqual({ calls: 5, inputTokens: 3500, outputTokens: 750, cacheReadTokens: 1100, cacheWriteTokens: 500, costUsd: round(judge + explore) });
    expect(snapshot.unpricedModels).toEqual(['qwen3:8b']);
  });
});

function round(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
