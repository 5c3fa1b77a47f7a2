import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject, ToolDefinition } from '../../../src/domain.js';
import { LlmError } from '../../../src/llm/errors.js';
import { parseGeneratedResult } from '../../../src/llm/stages/generated-result.js';
import { LlmResponseGenerator } from '../../../src/llm/stages/llm-response-generator.js';
import { RESULT_TOOL_NAME } from '../../../src/llm/stages/response-generation-prompt.js';
import type { GenerationRequest } from '../../../src/simulator/generation.js';
import { anthropicServerError } from '../../helpers/fake-llm/anthropic-replies.js';
import type { FakeLlmServer } from '../../helpers/fake-llm/fake-server.js';
import { chatServerError } from '../../helpers/fake-llm/openai-replies.js';
import { PROVIDERS, sumUsage } from './judge-providers.js';

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const graph = (...names: string[]) => ({
  entities: names.map((name) => ({ name, entityType: 'person', observations: [`${name} was here`] })),
  relations: [],
});
const recorded = (value: JsonObject) => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value });

const SEARCH: ToolDefinition = {
  name: 'search_nodes',
  description: 'Search for nodes in the knowledge graph based on a query',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  outputSchema: {
    type: 'object',
    properties: { entities: { type: 'array', items: { type: 'object', required: ['name'] } }, relations: { type: 'array' } },
    required: ['entities', 'relations'],
  },
  annotations: { readOnlyHint: true },
};

const REQUEST: GenerationRequest = {
  tool: SEARCH,
  arguments: { query: 'Grace Hopper' },
  state: 'c0ffee',
  examples: [
    { source: { runId: 'run-1', subDagIndex: 3, step: 2, similarity: 0.31 }, arguments: { query: 'Grace' }, result: recorded(graph('Grace')), isError: false, sameState: true },
    { source: { runId: 'run-1', subDagIndex: -1, step: 4, similarity: 0 }, arguments: { query: 'Hedy Lamarr' }, result: recorded(graph()), isError: false, sameState: false },
  ],
};

describe('parseGeneratedResult', () => {
  it('names the block or field at fault', () => {
    const reason = (args: JsonObject) => {
      const parsed = parseGeneratedResult(args);
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(reason({ content: [], isError: false })).toBe('content must be a non-empty array of content blocks');
    expect(reason({ content: [{ type: 'text', text: 'a' }, { type: 'text' }], isError: false })).toBe('content[1] needs text (a string)');
    expect(reason({ content: [{ type: 'image', data: 'AAAA' }], isError: false })).toBe('content[0] (image) needs data and mimeType (strings)');
    expect(reason({ content: [{ type: 'html', text: '<b>' }], isError: false })).toMatch(/content\[0\] has type "html": use one of text, image/);
    expect(reason({ content: [{ type: 'text', text: 'a' }] })).toBe('isError must be true or false, got null');
    expect(reason({ content: [{ type: 'text', text: 'a' }], isError: false, structuredContent: [1] })).toBe('structuredContent must be an object when given');
    expect(reason({ content: [{ type: 'resource', resource: { uri: 'file:///a', text: 'x' } }], isError: false })).toBe('ok');
    // An error answer need not carry structured content, even for a tool with an output schema.
    expect(parseGeneratedResult({ content: [{ type: 'text', text: 'no' }], isError: true }, () => 'never called')).toEqual({
      ok: true,
      value: { result: { content: [{ type: 'text', text: 'no' }], isError: true }, isError: true },
    });
  });
});

describe.each(PROVIDERS)('LlmResponseGenerator against the fake $name server', (provider) => {
  async function generatorWith(...replies: Array<(p: typeof provider) => ReturnType<typeof provider.toolCall>>) {
    server = await provider.start();
    server.enqueue(...replies.map((reply) => reply(provider)));
    const rejected: Array<{ reason: string; raw: string }> = [];
    const generator = new LlmResponseGenerator({ client: provider.client(server), onReject: (_request, reason, raw) => void rejected.push({ reason, raw }) });
    return { generator, rejected, server };
  }

  it('sends the tool, its schemas, the nearest examples with their results and the call; returns the CallToolResult; usage lands under simulate', async () => {
    const answer = recorded(graph('Grace Hopper'));
    const { generator, server } = await generatorWith((p) => p.toolCall(RESULT_TOOL_NAME, { ...answer, isError: false }, { input: 800, output: 90, cached: 400 }));

    expect(await generator.generate(REQUEST)).toEqual({ ok: true, result: answer, isError: false, model: provider.model });

    const [request] = server.scripted;
    expect(provider.forcedTool(request!.body)).toBe(RESULT_TOOL_NAME);
    const text = provider.userText(request!.body);
    expect(text).toContain('name: search_nodes');
    expect(text).toContain(`input schema: ${JSON.stringify(SEARCH.inputSchema)}`);
    expect(text).toContain(`output schema: ${JSON.stringify(SEARCH.outputSchema)}`);
    expect(text).toContain('## Example 1 (argument similarity 0.31; recorded after the same earlier writes as this call)');
    expect(text).toContain(`result: ${JSON.stringify(REQUEST.examples[0]!.result)}`);
    expect(text).toContain('arguments: {"query":"Hedy Lamarr"}');
    expect(text.indexOf('Example 1')).toBeLessThan(text.indexOf('Example 2'));
    expect(text).toMatch(/# The call to answer\narguments: \{"query":"Grace Hopper"\}$/);
    expect(generator.ledger.snapshot().entries).toEqual([{ stage: 'simulate', model: provider.model, calls: 1, ...provider.usage({ input: 800, output: 90, cached: 400 }), costUsd: expect.any(Number) }]);
  });

  it('keeps an error answer an error, with isError in the result', async () => {
    const content = [{ type: 'text', text: 'Entity with name Nobody not found' }];
    const { generator } = await generatorWith((p) => p.toolCall(RESULT_TOOL_NAME, { content, isError: true }, { input: 10, output: 5 }));
    expect(await generator.generate(REQUEST)).toEqual({ ok: true, result: { content, isError: true }, isError: true, model: provider.model });
  });

  it('asks again once after a malformed answer, and after a second unusable one says why, without throwing', async () => {
    const { generator, rejected, server } = await generatorWith(
      (p) => p.malformed(RESULT_TOOL_NAME, { input: 300, output: 7 }),
      // Well-formed, but without the structured content the output schema asks for.
      (p) => p.toolCall(RESULT_TOOL_NAME, { content: [{ type: 'text', text: '{}' }], isError: false }, { input: 310, output: 20 }),
    );
    const outcome = await generator.generate(REQUEST);
    expect(outcome).toEqual({
      ok: false,
      reason: "the model's answer was unusable after 2 attempts (structuredContent is missing: the tool declares an output schema)",
    });
    expect(server.scripted).toHaveLength(2);
    expect(rejected).toEqual([{ reason: (outcome as { reason: string }).reason, raw: JSON.stringify({ content: [{ type: 'text', text: '{}' }], isError: false }) }]);
    expect(generator.ledger.snapshot().entries[0]).toMatchObject({ calls: 2, ...sumUsage([{ input: 300, output: 7 }, { input: 310, output: 20 }].map(provider.usage)) });
  });

  it('refuses content blocks an MCP client would refuse, and structured content off the output schema', async () => {
    const { generator } = await generatorWith(
      (p) => p.toolCall(RESULT_TOOL_NAME, { content: [{ type: 'text' }], isError: false }, { input: 10, output: 5 }),
      (p) => p.toolCall(RESULT_TOOL_NAME, { content: [{ type: 'text', text: 'x' }], structuredContent: { entities: 'none' }, isError: false }, { input: 10, output: 5 }),
    );
    const outcome = await generator.generate(REQUEST);
    expect(outcome.ok).toBe(false);
    expect((outcome as { reason: string }).reason).toMatch(/structuredContent does not fit the output schema: .*structuredContent\/entities must be array/);
  });

  it('throws the provider failure, retryable, for whatever runs the simulator to retry', async () => {
    server = await provider.start();
    server.enqueue(provider.name === 'anthropic' ? anthropicServerError() : chatServerError());
    const generator = new LlmResponseGenerator({ client: provider.client(server) });
    const failure = await generator.generate(REQUEST).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({ kind: 'server', retryable: true, status: 500 });
  });
});
