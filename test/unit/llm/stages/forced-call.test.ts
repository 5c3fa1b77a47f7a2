import { describe, expect, it } from 'vitest';
import { LlmError } from '../../../../src/llm/errors.js';
import { forcedToolCall } from '../../../../src/llm/stages/forced-call.js';
import type { LlmClient, LlmRequest, LlmResponse } from '../../../../src/llm/types.js';
import { UsageLedger } from '../../../../src/llm/usage-ledger.js';

const REQUEST: LlmRequest = {
  system: 's',
  messages: [{ role: 'user', text: 'u' }],
  tools: [{ name: 'answer', inputSchema: { type: 'object' } }],
  toolChoice: { name: 'answer' },
  maxTokens: 100,
};

function clientAnswering(...answers: Array<Partial<LlmResponse> | Error>): LlmClient & { calls: number } {
  const client = {
    provider: 'anthropic' as const,
    model: 'm',
    calls: 0,
    async complete(): Promise<LlmResponse> {
      const answer = answers[client.calls++];
      if (answer instanceof Error) throw answer;
      return { text: '', toolCalls: [], stopReason: 'end-turn', providerStopReason: null, usage: { inputTokens: 10, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, model: 'm', ...answer };
    },
  };
  return client;
}

const parse = (args: Record<string, unknown>) => (typeof args.x === 'number' ? { ok: true as const, value: args.x } : { ok: false as const, reason: 'x missing' });

describe('forcedToolCall', () => {
  it('an answer without the forced call is asked for again; every attempt is in the ledger', async () => {
    const client = clientAnswering({ text: 'I think yes' }, { toolCalls: [{ id: '1', name: 'answer', arguments: { x: 3 } }] });
    const ledger = new UsageLedger();
    expect(await forcedToolCall(client, REQUEST, { ledger, stage: 'judge', parse })).toEqual({ ok: true, value: 3, model: 'm', attempts: 2 });
    expect(ledger.total()).toMatchObject({ calls: 2, inputTokens: 20 });
  });

  it('gives up after the attempts with the last reason', async () => {
    const client = clientAnswering({ text: 'no' }, { toolCalls: [{ id: '1', name: 'answer', arguments: { y: 1 } }] });
    expect(await forcedToolCall(client, REQUEST, { ledger: new UsageLedger(), stage: 'judge', parse })).toEqual({ ok: false, reason: 'x missing', raw: '{"y":1}', attempts: 2 });
  });

  it('provider failures are not swallowed: the activity retries them', async () => {
    const client = clientAnswering(new LlmError('429', { kind: 'rate-limited', retryable: true, provider: 'anthropic', retryAfterMs: 7000 }));
    await expect(forcedToolCall(client, REQUEST, { ledger: new UsageLedger(), stage: 'judge', parse })).rejects.toBeInstanceOf(LlmError);
    expect(client.calls).toBe(1);
  });
});
