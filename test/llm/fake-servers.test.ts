/**
 * The fakes themselves: they must refuse what the real APIs refuse, and see what the real APIs
 * would see (a retry is a second request), or the client tests prove nothing.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicError, anthropicText } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { chatText } from '../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('fake Anthropic server', () => {
  it('counts SDK retries as requests, so "one request per call" would catch them', async () => {
    const overloaded = anthropicError(529, 'overloaded_error', 'Overloaded', { 'retry-after-ms': '10' });
    server = await startFakeAnthropic({ script: [overloaded, overloaded, anthropicText('ok')] });
    const retrying = new Anthropic({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 2 });
    const message = await retrying.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(server.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
  });

  it('refuses, as the API does, a tool_result that answers no tool_use and a non-object input_schema', async () => {
    server = await startFakeAnthropic({ script: [anthropicText('never')] });
    const sdk = new Anthropic({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0 });
    await expect(
      sdk.messages.create({
        model: 'm',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] },
        ],
      }),
    ).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
    await expect(
      sdk.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', input_schema: { type: 'string' } as never }] }),
    ).rejects.toMatchObject({ status: 400 });
    expect(server.scripted).toHaveLength(0);
    expect(server.requests).toHaveLength(2);
  });

  it('answers a 500 saying so when the script has run out, and counts it', async () => {
    server = await startFakeAnthropic();
    const sdk = new Anthropic({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0 });
    await expect(sdk.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 500 });
    expect(server.unscripted).toBe(1);
  });
});

describe('fake chat-completions server', () => {
  it('follows a function script and records bodies and headers', async () => {
    server = await startFakeOpenAi({ script: (request, index) => chatText(`reply ${index} to ${(request.body as { model: string }).model}`) });
    const response = await post(`${server.baseURL}/chat/completions`, { model: 'llama3', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'reply 0 to llama3' } }] });
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(server.requests[0]!.body).toMatchObject({ model: 'llama3' });
  });

  it('refuses a tool message that answers no earlier tool call', async () => {
    server = await startFakeOpenAi({ script: [chatText('never')] });
    const response = await post(`${server.baseURL}/chat/completions`, {
      model: 'm',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_nope', content: 'x' },
      ],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
