import { describe, expect, it } from 'vitest';
import { MalformedOutputError } from '../../../src/llm/errors.js';
import { meteredClient } from '../../../src/llm/metered-client.js';
import type { LlmClient, LlmResponse, LlmUsage } from '../../../src/llm/types.js';

const usage: LlmUsage = { inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 0 };
const request = { system: 's', messages: [{ role: 'user' as const, text: 'hi' }], maxTokens: 10 };

function clientAnswering(answer: () => Promise<LlmResponse>): LlmClient {
  return { provider: 'anthropic', model: 'claude-haiku-4-5', complete: answer };
}

describe('meteredClient', () => {
  it('reports each response under its stage and the model that answered', async () => {
    const seen: unknown[] = [];
    const response: LlmResponse = { text: 'ok', toolCalls: [], stopReason: 'end-turn', providerStopReason: 'end_turn', usage, model: 'claude-haiku-4-5-20251001' };
    const client = meteredClient(clientAnswering(async () => response), 'judge', async (...args) => void seen.push(args));
    expect(await client.complete(request)).toBe(response);
    expect(seen).toEqual([['judge', 'claude-haiku-4-5-20251001', usage]]);
    expect(client.model).toBe('claude-haiku-4-5');
  });

  it('reports the tokens of a malformed answer (they were billed) and still throws it', async () => {
    const seen: unknown[] = [];
    const malformed = new MalformedOutputError('bad JSON', { reason: 'invalid-json', raw: '{', provider: 'anthropic', model: 'claude-haiku-4-5', usage });
    const client = meteredClient(clientAnswering(async () => Promise.reject(malformed)), 'verify', async (...args) => void seen.push(args));
    await expect(client.complete(request)).rejects.toBe(malformed);
    expect(seen).toEqual([['verify', 'claude-haiku-4-5', usage]]);
  });

  it('reports nothing for a request that got no answer', async () => {
    const seen: unknown[] = [];
    const client = meteredClient(clientAnswering(async () => Promise.reject(new Error('429'))), 'explore', async (...args) => void seen.push(args));
    await expect(client.complete(request)).rejects.toThrow('429');
    expect(seen).toEqual([]);
  });
});
