import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicClient } from '../../src/llm/anthropic-client.js';
import { LlmError, MalformedOutputError } from '../../src/llm/errors.js';
import type { LlmClient } from '../../src/llm/types.js';
import {
  anthropicError,
  anthropicMessage,
  anthropicOverloaded,
  anthropicRateLimited,
  anthropicServerError,
  anthropicText,
  anthropicToolUse,
} from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer, FakeServerOptions } from '../helpers/fake-llm/fake-server.js';
import { hang } from '../helpers/fake-llm/script.js';
import { firstTurn, secondTurn, SYSTEM, TOOLS } from './conversation.js';

const KEY = 'sk-ant-fake-key';
let server: FakeLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(options: FakeServerOptions, timeoutMs = 10_000): Promise<LlmClient> {
  server = await startFakeAnthropic({ apiKey: KEY, ...options });
  return createAnthropicClient({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL: server.baseURL, timeoutMs, keyEnv: 'ANTHROPIC_API_KEY', modelField: 'llm.models.explore' });
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

describe('Anthropic client over the real SDK, against a local Messages API', () => {
  it('runs a scripted two-turn tool-use conversation and sends each shape the API expects', async () => {
    const client = await clientFor({
      script: [
        anthropicToolUse(
          [
            { id: 'toolu_01', name: 'search_nodes', input: { query: 'Ada' } },
            { id: 'toolu_02', name: 'open_nodes', input: { names: [] } },
          ],
          { text: 'Let me look.', usage: { input_tokens: 40, output_tokens: 30, cache_creation_input_tokens: 900 } },
        ),
        anthropicText('Ada Lovelace is in the graph.', { usage: { input_tokens: 80, output_tokens: 12, cache_read_input_tokens: 900 }, model: 'claude-haiku-4-5-20251001' }),
      ],
    });

    const request = firstTurn({ cacheStablePrefix: true });
    const first = await client.complete(request);
    expect(first).toEqual({
      text: 'Let me look.',
      toolCalls: [
        { id: 'toolu_01', name: 'search_nodes', arguments: { query: 'Ada' } },
        { id: 'toolu_02', name: 'open_nodes', arguments: { names: [] } },
      ],
      stopReason: 'tool-use',
      providerStopReason: 'tool_use',
      usage: { inputTokens: 40, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 900 },
      model: 'claude-haiku-4-5',
    });

    const second = await client.complete(secondTurn(request, first));
    expect(second).toMatchObject({ text: 'Ada Lovelace is in the graph.', toolCalls: [], stopReason: 'end-turn', model: 'claude-haiku-4-5-20251001' });
    expect(second.usage).toEqual({ inputTokens: 80, outputTokens: 12, cacheReadTokens: 900, cacheWriteTokens: 0 });

    const [one, two] = server!.requests;
    expect(server!.requests).toHaveLength(2);
    expect(one!.headers.authorization ?? one!.headers['x-api-key']).toContain(KEY);
    // The SDK counts its own attempts; 0 means it did not retry behind Temporal's back.
    expect(one!.headers['x-stainless-retry-count']).toBe('0');
    expect(one!.body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Who is Ada?' }] }],
      tools: [
        { name: 'search_nodes', description: TOOLS[0]!.description, input_schema: TOOLS[0]!.inputSchema },
        { name: 'open_nodes', description: TOOLS[1]!.description, input_schema: { ...TOOLS[1]!.inputSchema, type: 'object' }, cache_control: { type: 'ephemeral' } },
      ],
      tool_choice: { type: 'auto' },
    });
    expect((two!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_01', name: 'search_nodes', input: { query: 'Ada' } },
          { type: 'tool_use', id: 'toolu_02', name: 'open_nodes', input: { names: [] } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: '{"entities":[{"name":"Ada Lovelace"}]}' },
          { type: 'tool_result', tool_use_id: 'toolu_02', content: 'MCP error -32602: names must not be empty', is_error: true },
        ],
      },
    ]);
    expect(server!.unscripted).toBe(0);
  });

  it('sends no cache breakpoints unless asked', async () => {
    const client = await clientFor({ script: [anthropicText('ok')] });
    await client.complete(firstTurn());
    const body = server!.requests[0]!.body as Record<string, unknown>;
    expect(body.system).toBe(SYSTEM);
    expect(JSON.stringify(body)).not.toContain('cache_control');
  });

  describe('faults: classified, with exactly one request per call (no SDK retries)', () => {
    it('429 with retry-after in seconds', async () => {
      const client = await clientFor({ script: [anthropicRateLimited('7')] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toBeInstanceOf(LlmError);
      expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, status: 429, retryAfterMs: 7000, provider: 'anthropic' });
      expect((error as Error).message).toContain('llm.requestsPerMinute');
      expect(server!.requests).toHaveLength(1);
    });

    it('429 with retry-after as an HTTP date', async () => {
      const client = await clientFor({ script: [anthropicRateLimited(new Date(Date.now() + 30_000).toUTCString())] });
      const error = (await failure(client.complete(firstTurn()))) as LlmError;
      expect(error.kind).toBe('rate-limited');
      // The date has whole seconds: the wait is up to a second short of 30 s, never more.
      expect(error.retryAfterMs).toBeGreaterThan(28_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
      expect(server!.requests).toHaveLength(1);
    });

    it('529 overloaded, in the API error shape', async () => {
      const client = await clientFor({ script: [anthropicOverloaded()] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'overloaded', retryable: true, status: 529 });
      expect((error as Error).message).toContain('Overloaded');
      expect(server!.requests).toHaveLength(1);
    });

    it('500', async () => {
      const client = await clientFor({ script: [anthropicServerError()] });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'server', retryable: true, status: 500 });
      expect(server!.requests).toHaveLength(1);
    });

    it('400 is non-retryable and says the API’s reason', async () => {
      const client = await clientFor({ script: [anthropicError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum')] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'bad-request', retryable: false, status: 400 });
      expect((error as Error).message).toContain('prompt is too long');
    });

    it('401 from a wrong key names the variable to fix', async () => {
      server = await startFakeAnthropic({ apiKey: KEY });
      const client = createAnthropicClient({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-wrong', baseURL: server.baseURL, timeoutMs: 5000, keyEnv: 'ANTHROPIC_API_KEY' });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
      expect((error as Error).message).toContain('refused the key (401): set ANTHROPIC_API_KEY to a valid key');
      expect(server.requests).toHaveLength(1);
    });

    it('403 and 404 are non-retryable and name the model setting', async () => {
      const client = await clientFor({
        script: [anthropicError(403, 'permission_error', 'not allowed'), anthropicError(404, 'not_found_error', 'model: claude-haiku-4-5')],
      });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'auth', retryable: false, status: 403 });
      const missing = await failure(client.complete(firstTurn()));
      expect(missing).toMatchObject({ kind: 'not-found', retryable: false, status: 404 });
      expect((missing as Error).message).toContain('llm.models.explore');
    });

    it('a hang becomes a timeout', async () => {
      const client = await clientFor({ script: [hang()] }, 300);
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      expect((error as Error).message).toContain('300 ms');
      expect(server!.requests).toHaveLength(1);
    });

    it('an unreachable endpoint is a network error', async () => {
      const closed = await startFakeAnthropic();
      await closed.close();
      const client = createAnthropicClient({ model: 'm', apiKey: KEY, baseURL: closed.baseURL, timeoutMs: 5000 });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'network', retryable: true });
    });
  });

  describe('malformed output', () => {
    it('a tool_use block with missing fields keeps the raw block and the billed usage', async () => {
      const client = await clientFor({
        script: [anthropicMessage([{ type: 'tool_use', id: 'toolu_x', name: 'search_nodes' }], { stopReason: 'tool_use', usage: { input_tokens: 50, output_tokens: 9 } })],
      });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toBeInstanceOf(MalformedOutputError);
      expect(error).toMatchObject({ reason: 'missing-field', toolName: 'search_nodes', toolCallId: 'toolu_x', retryable: true });
      expect(JSON.parse((error as MalformedOutputError).raw)).toEqual({ type: 'tool_use', id: 'toolu_x', name: 'search_nodes' });
      expect((error as MalformedOutputError).usage).toMatchObject({ inputTokens: 50, outputTokens: 9 });
    });

    it('a call of a tool that was not offered', async () => {
      const client = await clientFor({ script: [anthropicToolUse([{ name: 'delete_entities', input: { names: ['Ada'] } }])] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ reason: 'unknown-tool', toolName: 'delete_entities' });
      expect((error as Error).message).toContain('offered: search_nodes, open_nodes');
    });
  });

  it('refuses a bad request locally, before anything is sent', async () => {
    const client = await clientFor({ script: [] });
    const error = await failure(client.complete(firstTurn({ tools: [{ name: 'memory/search', inputSchema: { type: 'object' } }] })));
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false, field: 'tools[0].name' });
    expect(server!.requests).toHaveLength(0);
  });
});
