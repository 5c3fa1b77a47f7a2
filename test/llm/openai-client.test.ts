import { afterEach, describe, expect, it } from 'vitest';
import { LlmError, MalformedOutputError } from '../../src/llm/errors.js';
import { createOpenAiCompatibleClient } from '../../src/llm/openai-client.js';
import type { LlmClient } from '../../src/llm/types.js';
import type { FakeLlmServer, FakeServerOptions } from '../helpers/fake-llm/fake-server.js';
import {
  chatCompletion,
  chatError,
  chatOverloaded,
  chatRateLimited,
  chatServerError,
  chatText,
  chatToolCalls,
} from '../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';
import { hang } from '../helpers/fake-llm/script.js';
import { firstTurn, secondTurn, SYSTEM, TOOLS } from './conversation.js';

let server: FakeLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(options: FakeServerOptions & { clientKey?: string }, timeoutMs = 10_000): Promise<LlmClient> {
  server = await startFakeOpenAi(options);
  return createOpenAiCompatibleClient({
    model: 'qwen3:8b',
    baseURL: server.baseURL,
    timeoutMs,
    modelField: 'llm.models.explore',
    ...(options.clientKey === undefined ? {} : { apiKey: options.clientKey, keyEnv: 'VLLM_API_KEY' }),
  });
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

describe('OpenAI-compatible client over fetch, against a local chat-completions server', () => {
  it('runs a scripted two-turn tool-use conversation and sends each shape the format expects', async () => {
    const client = await clientFor({
      apiKey: 'local-key',
      clientKey: 'local-key',
      script: [
        chatToolCalls(
          [
            { id: 'call_a', name: 'search_nodes', arguments: { query: 'Ada' } },
            { id: 'call_b', name: 'open_nodes', arguments: { names: [] } },
          ],
          { usage: { prompt_tokens: 300, completion_tokens: 40, cached_tokens: 256 } },
        ),
        chatText('Ada Lovelace is in the graph.', { usage: { prompt_tokens: 420, completion_tokens: 11 } }),
      ],
    });

    const request = firstTurn({ cacheStablePrefix: true });
    const first = await client.complete(request);
    expect(first).toEqual({
      text: '',
      toolCalls: [
        { id: 'call_a', name: 'search_nodes', arguments: { query: 'Ada' } },
        { id: 'call_b', name: 'open_nodes', arguments: { names: [] } },
      ],
      stopReason: 'tool-use',
      providerStopReason: 'tool_calls',
      usage: { inputTokens: 44, outputTokens: 40, cacheReadTokens: 256, cacheWriteTokens: 0 },
      model: 'qwen3:8b',
    });
    const second = await client.complete(secondTurn(request, first));
    expect(second).toMatchObject({ text: 'Ada Lovelace is in the graph.', toolCalls: [], stopReason: 'end-turn' });
    expect(second.usage).toEqual({ inputTokens: 420, outputTokens: 11, cacheReadTokens: 0, cacheWriteTokens: 0 });

    expect(server!.requests).toHaveLength(2);
    const [one, two] = server!.requests;
    expect(one!.method).toBe('POST');
    expect(one!.path).toBe('/v1/chat/completions');
    expect(one!.headers.authorization).toBe('Bearer local-key');
    expect(one!.body).toEqual({
      model: 'qwen3:8b',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'Who is Ada?' },
      ],
      max_tokens: 512,
      tools: TOOLS.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: { ...tool.inputSchema, type: 'object' } } })),
      tool_choice: 'auto',
    });
    expect((two!.body as { messages: unknown[] }).messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'search_nodes', arguments: '{"query":"Ada"}' } },
          { id: 'call_b', type: 'function', function: { name: 'open_nodes', arguments: '{"names":[]}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"entities":[{"name":"Ada Lovelace"}]}' },
      { role: 'tool', tool_call_id: 'call_b', content: 'Error: MCP error -32602: names must not be empty' },
    ]);
  });

  it('sends no Authorization header when no key is configured (local servers)', async () => {
    const client = await clientFor({ script: [chatText('ok')] });
    await client.complete(firstTurn());
    expect(server!.requests[0]!.headers.authorization).toBeUndefined();
  });

  describe('faults: classified, with exactly one request per call', () => {
    it('429 with retry-after in seconds', async () => {
      const client = await clientFor({ script: [chatRateLimited('7')] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toBeInstanceOf(LlmError);
      expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, status: 429, retryAfterMs: 7000, provider: 'openai-compatible' });
      expect(server!.requests).toHaveLength(1);
    });

    it('429 with retry-after as an HTTP date, and retry-after-ms over it', async () => {
      const client = await clientFor({
        script: [chatRateLimited(new Date(Date.now() + 30_000).toUTCString()), chatError(429, 'slow down', 'requests', null, { 'retry-after': '7', 'retry-after-ms': '1250' })],
      });
      const dated = (await failure(client.complete(firstTurn()))) as LlmError;
      expect(dated.retryAfterMs).toBeGreaterThan(28_000);
      expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
      expect(((await failure(client.complete(firstTurn()))) as LlmError).retryAfterMs).toBe(1250);
      expect(server!.requests).toHaveLength(2);
    });

    it('503 from an overloaded local server, and 500', async () => {
      const client = await clientFor({ script: [chatOverloaded(), chatServerError()] });
      const overloaded = await failure(client.complete(firstTurn()));
      expect(overloaded).toMatchObject({ kind: 'overloaded', retryable: true, status: 503 });
      expect((overloaded as Error).message).toContain('The server is overloaded');
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'server', retryable: true, status: 500 });
      expect(server!.requests).toHaveLength(2);
    });

    it('401 from a wrong key names the variable to fix', async () => {
      const client = await clientFor({ apiKey: 'right', clientKey: 'wrong' });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
      expect((error as Error).message).toContain('refused the key (401): set VLLM_API_KEY to a valid key');
      expect((error as Error).message).toContain('Incorrect API key provided');
    });

    it('400 and 404 are non-retryable', async () => {
      const client = await clientFor({
        script: [chatError(400, "This model's maximum context length is 8192 tokens", 'invalid_request_error'), chatError(404, 'The model `qwen3:8b` does not exist', 'invalid_request_error', 'model_not_found')],
      });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'bad-request', retryable: false, status: 400 });
      const missing = await failure(client.complete(firstTurn()));
      expect(missing).toMatchObject({ kind: 'not-found', retryable: false });
      expect((missing as Error).message).toContain('llm.models.explore');
    });

    it('a hang becomes a timeout', async () => {
      const client = await clientFor({ script: [hang()] }, 300);
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      expect(server!.requests).toHaveLength(1);
    });

    it('a cancelled call is not a timeout', async () => {
      const client = await clientFor({ script: [hang()] });
      const controller = new AbortController();
      const pending = failure(client.complete(firstTurn(), { signal: controller.signal }));
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toMatchObject({ kind: 'cancelled', retryable: false });
    });

    it('an unreachable endpoint is a network error naming the cause', async () => {
      const closed = await startFakeOpenAi();
      await closed.close();
      const client = createOpenAiCompatibleClient({ model: 'm', baseURL: closed.baseURL, timeoutMs: 5000 });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toMatchObject({ kind: 'network', retryable: true });
      expect((error as Error).message).toContain('ECONNREFUSED');
    });

    it('a 200 whose body is not JSON is a retryable server fault', async () => {
      const client = await clientFor({ script: [{ status: 200, body: '<html>proxy error</html>' }] });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ kind: 'server', retryable: true });
    });
  });

  describe('malformed output', () => {
    it('arguments that are not valid JSON keep the raw string and the usage', async () => {
      const client = await clientFor({ script: [chatToolCalls([{ id: 'call_m', name: 'search_nodes', arguments: '{"query": "Ada"' }], { usage: { prompt_tokens: 90, completion_tokens: 7 } })] });
      const error = await failure(client.complete(firstTurn()));
      expect(error).toBeInstanceOf(MalformedOutputError);
      expect(error).toMatchObject({ reason: 'invalid-json', raw: '{"query": "Ada"', toolName: 'search_nodes', toolCallId: 'call_m', retryable: true });
      expect((error as MalformedOutputError).usage).toEqual({ inputTokens: 90, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 });
    });

    it('a call of a tool that was not offered', async () => {
      const client = await clientFor({ script: [chatToolCalls([{ name: 'delete_entities', arguments: {} }])] });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ reason: 'unknown-tool', toolName: 'delete_entities' });
    });

    it('a tool call without a function name', async () => {
      const client = await clientFor({ script: [chatCompletion({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }] }, { finishReason: 'tool_calls' })] });
      expect(await failure(client.complete(firstTurn()))).toMatchObject({ reason: 'missing-field' });
    });
  });
});
