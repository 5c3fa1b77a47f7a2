import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../../../src/domain.js';
import { runAgentLoop, type AgentTool } from '../../../../src/llm/stages/agent-loop.js';
import { UsageLedger } from '../../../../src/llm/usage-ledger.js';
import { anthropicText, anthropicToolUse } from '../../../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../../../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../../../helpers/fake-llm/fake-server.js';
import { chatText, chatToolCalls } from '../../../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../../../helpers/fake-llm/openai-server.js';
import { anthropicClientFor, blocksOf, KEY, messagesOf, openAiClientFor } from './clients.js';

const TOOLS: AgentTool[] = [
  { name: 'search_nodes', description: 'Search the knowledge graph', inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  // An MCP name providers refuse: offered as `graph_open`, called back as `graph/open`.
  { name: 'graph/open', description: 'Open nodes by name', inputSchema: { properties: { names: { type: 'array', items: { type: 'string' } } } } },
];

const text = (value: string): JsonObject => ({ content: [{ type: 'text', text: value }] });

/** A tool executor that answers from a table and writes down every call. */
function executor() {
  const calls: Array<{ tool: string; args: JsonObject }> = [];
  const call = async (tool: string, args: JsonObject): Promise<JsonValue> => {
    calls.push({ tool, args });
    if (tool === 'search_nodes') return text(JSON.stringify({ entities: [{ name: 'Charles Babbage' }] }));
    if (tool === 'graph/open') return text(JSON.stringify({ entities: [{ name: 'Charles Babbage', entityType: 'person' }] }));
    return { ...text(`no tool ${tool}`), isError: true };
  };
  return { calls, call };
}

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the agent loop against the Messages API fake', () => {
  it('runs a two-tool conversation, passes each result back under its call id, and maps names back', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ id: 'toolu_1', name: 'search_nodes', input: { query: 'Babbage' } }], { usage: { input_tokens: 50, output_tokens: 10 } }),
        anthropicToolUse([{ id: 'toolu_2', name: 'graph_open', input: { names: ['Charles Babbage'] } }], { usage: { input_tokens: 70, output_tokens: 12 } }),
        anthropicText('He is a person. {"entityType": "person"}', { usage: { input_tokens: 90, output_tokens: 8 } }),
      ],
    });
    const { calls, call } = executor();
    const ledger = new UsageLedger();
    const run = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'What is Babbage?', tools: TOOLS, call, maxSteps: 5, stage: 'explore', ledger });

    expect(run.stopped).toBe('answered');
    expect(run.finalText).toContain('"entityType": "person"');
    expect(calls).toEqual([
      { tool: 'search_nodes', args: { query: 'Babbage' } },
      { tool: 'graph/open', args: { names: ['Charles Babbage'] } },
    ]);
    expect(run.toolCalls.map((c) => [c.turn, c.tool, c.isError])).toEqual([
      [0, 'search_nodes', false],
      [1, 'graph/open', false],
    ]);
    expect(run.usage).toEqual({ inputTokens: 210, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(ledger.byStage().explore).toMatchObject({ calls: 3, inputTokens: 210, outputTokens: 30 });
    expect(run.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);

    const [first, second, third] = server.scripted;
    expect((first!.body as { tools: Array<{ name: string; input_schema: { type: string } }> }).tools.map((t) => [t.name, t.input_schema.type])).toEqual([
      ['search_nodes', 'object'],
      ['graph_open', 'object'],
    ]);
    expect(blocksOf(second!.body, 'tool_result')).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"entities":[{"name":"Charles Babbage"}]}' },
    ]);
    expect(blocksOf(third!.body, 'tool_result').map((b) => b.tool_use_id)).toEqual(['toolu_1', 'toolu_2']);
    expect(messagesOf(third!.body)).toHaveLength(5);
  });

  it('answers a call of an unknown tool with an error result and lets the model correct itself', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ id: 'toolu_bad', name: 'delete_everything', input: {} }]),
        anthropicToolUse([{ id: 'toolu_ok', name: 'search_nodes', input: { query: 'Babbage' } }]),
        anthropicText('{"name": "Charles Babbage"}'),
      ],
    });
    const { calls, call } = executor();
    const run = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'Find Babbage.', tools: TOOLS, call, maxSteps: 5, stage: 'agent' });

    expect(run.stopped).toBe('answered');
    expect(calls).toEqual([{ tool: 'search_nodes', args: { query: 'Babbage' } }]);
    expect(run.malformed).toHaveLength(1);
    expect(run.malformed[0]).toMatchObject({ turn: 0, reason: 'unknown-tool', toolName: 'delete_everything' });
    // The model sees its call and the error for it, under the same id.
    const second = server.scripted[1]!.body;
    expect(blocksOf(second, 'tool_use')).toEqual([{ type: 'tool_use', id: 'toolu_bad', name: 'delete_everything', input: {} }]);
    const [error] = blocksOf(second, 'tool_result');
    expect(error).toMatchObject({ tool_use_id: 'toolu_bad', is_error: true });
    expect(String(error!.content)).toContain("'delete_everything' is not an available tool (available: search_nodes, graph_open)");
    expect(server.requests.every((r) => r.body !== undefined)).toBe(true);
    expect(server.scripted).toHaveLength(3);
  });

  it('stops when the step budget is spent, answering calls past it without executing them', async () => {
    const again = (id: string) => anthropicToolUse([
      { id: `${id}a`, name: 'search_nodes', input: { query: id } },
      { id: `${id}b`, name: 'search_nodes', input: { query: `${id}!` } },
    ]);
    server = await startFakeAnthropic({ apiKey: KEY, script: [again('one'), again('two'), again('three')] });
    const { calls, call } = executor();
    const run = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'Search forever.', tools: TOOLS, call, maxSteps: 3, stage: 'agent' });

    expect(run.stopped).toBe('step-budget');
    expect(calls.map((c) => c.args.query)).toEqual(['one', 'one!', 'two']);
    expect(run.turns).toBe(2);
    expect(server.scripted).toHaveLength(2);
    const last = run.transcript.at(-1)!;
    expect(last.role === 'tool' && last.results.map((r) => r.isError ?? false)).toEqual([false, true]);
  });

  it('gives up after maxMalformed malformed calls in a row', async () => {
    const bad = () => anthropicToolUse([{ name: 'nope', input: {} }]);
    server = await startFakeAnthropic({ apiKey: KEY, script: [bad(), bad(), bad()] });
    const { call } = executor();
    const run = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'x', tools: TOOLS, call, maxSteps: 5, maxMalformed: 2, stage: 'agent' });
    expect(run.stopped).toBe('malformed-limit');
    expect(run.malformed).toHaveLength(3);
    expect(server.scripted).toHaveLength(3);
  });
});

describe('the agent loop resumed, stopped by its caller, and reporting malformed calls', () => {
  it('replays prior calls as turns of their own and numbers the new turns after them', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [anthropicToolUse([{ id: 'toolu_next', name: 'graph_open', input: { names: ['Charles Babbage'] } }]), anthropicText('Done.')],
    });
    const { calls, call } = executor();
    const prior = [{ tool: 'search_nodes', arguments: { query: 'Babbage' }, result: text(JSON.stringify({ entities: [{ name: 'Charles Babbage' }] })) }];
    const run = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'Open Babbage.', tools: TOOLS, call, maxSteps: 1, prior, stage: 'explore' });

    // The budget counts this loop's calls only; the prior call is not executed again.
    expect(calls).toEqual([{ tool: 'graph/open', args: { names: ['Charles Babbage'] } }]);
    expect(run.stopped).toBe('step-budget');
    expect(run.toolCalls.map((c) => c.turn)).toEqual([1]);
    expect(run.turns).toBe(1);
    const first = server.scripted[0]!.body;
    expect(messagesOf(first).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(blocksOf(first, 'tool_use')).toEqual([{ type: 'tool_use', id: 'prior_0', name: 'search_nodes', input: { query: 'Babbage' } }]);
    expect(blocksOf(first, 'tool_result')).toEqual([{ type: 'tool_result', tool_use_id: 'prior_0', content: '{"entities":[{"name":"Charles Babbage"}]}' }]);
    expect(server.scripted).toHaveLength(1);
  });

  it('ends without another request once shouldStop says so, and asks nothing when it holds from the start', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ id: 'toolu_1', name: 'search_nodes', input: { query: 'Babbage' } }]),
        anthropicToolUse([{ id: 'toolu_2', name: 'graph_open', input: { names: ['Charles Babbage'] } }]),
      ],
    });
    const { calls, call } = executor();
    const run = await runAgentLoop({
      client: anthropicClientFor(server), system: 'Solve it.', instruction: 'Search once.', tools: TOOLS, call, maxSteps: 5, stage: 'explore',
      shouldStop: () => calls.length >= 1,
    });
    expect(run.stopped).toBe('goal-reached');
    expect(calls).toHaveLength(1);
    expect(server.scripted).toHaveLength(1);

    const idle = await runAgentLoop({ client: anthropicClientFor(server), system: 'Solve it.', instruction: 'x', tools: TOOLS, call, maxSteps: 5, stage: 'explore', shouldStop: () => true });
    expect(idle).toMatchObject({ stopped: 'goal-reached', turns: 0, toolCalls: [] });
    expect(server.scripted).toHaveLength(1);
  });

  it('nudges a model that stops early once, as a user turn, and then lets it stop', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [anthropicText('Done.'), anthropicToolUse([{ id: 'toolu_1', name: 'graph_open', input: { names: ['Charles Babbage'] } }]), anthropicText('Done now.'), anthropicText('Really done.')],
    });
    const { calls, call } = executor();
    const nudged: number[] = [];
    const run = await runAgentLoop({
      client: anthropicClientFor(server), system: 'Solve it.', instruction: 'Open Babbage.', tools: TOOLS, call, maxSteps: 5, stage: 'explore',
      nudge: () => (nudged.push(server!.scripted.length), 'graph_open has not succeeded yet: call it.'),
    });
    expect(run).toMatchObject({ stopped: 'answered', finalText: 'Done now.' });
    expect(calls.map((c) => c.tool)).toEqual(['graph/open']);
    // Asked once (after the first answer), not again: the default is one nudge.
    expect(nudged).toEqual([1]);
    expect(server.scripted).toHaveLength(3);
    const last = messagesOf(server.scripted[1]!.body).at(-1)!;
    expect(last.role).toBe('user');
    expect(JSON.stringify(last.content)).toContain('graph_open has not succeeded yet: call it.');
  });

  it('tells onMalformed of each malformed call before asking the model again', async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      script: [anthropicToolUse([{ id: 'toolu_bad', name: 'nope', input: {} }]), anthropicText('Gave up.')],
    });
    const { call } = executor();
    const told: Array<[number, string, number]> = [];
    const run = await runAgentLoop({
      client: anthropicClientFor(server), system: 'Solve it.', instruction: 'x', tools: TOOLS, call, maxSteps: 5, stage: 'explore',
      prior: [{ tool: 'search_nodes', arguments: { query: 'Babbage' }, result: text('[]') }],
      onMalformed: (m) => {
        told.push([m.turn, m.reason, server!.scripted.length]);
      },
    });
    expect(run.stopped).toBe('answered');
    expect(told).toEqual([[1, 'unknown-tool', 1]]);
  });
});

describe('the agent loop against the chat-completions fake', () => {
  it('returns invalid JSON arguments to the model as an error result, then runs the corrected call', async () => {
    server = await startFakeOpenAi({
      script: [
        chatToolCalls([{ id: 'call_bad', name: 'search_nodes', arguments: '{"query": "Bab' }]),
        chatToolCalls([{ id: 'call_ok', name: 'search_nodes', arguments: { query: 'Babbage' } }]),
        chatText('{"name": "Charles Babbage"}'),
      ],
    });
    const { calls, call } = executor();
    const ledger = new UsageLedger();
    const run = await runAgentLoop({ client: openAiClientFor(server), system: 'Solve it.', instruction: 'Find Babbage.', tools: TOOLS, call, maxSteps: 5, stage: 'explore', ledger });

    expect(run.stopped).toBe('answered');
    expect(run.finalText).toBe('{"name": "Charles Babbage"}');
    expect(calls).toEqual([{ tool: 'search_nodes', args: { query: 'Babbage' } }]);
    expect(run.malformed).toMatchObject([{ turn: 0, reason: 'invalid-json', raw: '{"query": "Bab', toolName: 'search_nodes' }]);
    // The malformed turn was billed too.
    expect(ledger.byStage().explore?.calls).toBe(3);

    const messages = (server.scripted[1]!.body as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(messages[2]).toMatchObject({ tool_calls: [{ id: 'call_bad', function: { name: 'search_nodes' } }] });
    expect(messages[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_bad' });
    expect(String(messages[3]!.content)).toContain('its arguments were not valid JSON');
    const third = (server.scripted[2]!.body as { messages: Array<Record<string, unknown>> }).messages;
    expect(third.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_ok', content: '{"entities":[{"name":"Charles Babbage"}]}' });
  });
});
