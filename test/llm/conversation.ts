/** The tools and turns both clients' conversation tests use: a memory-server-like search then open. */
import type { LlmRequest, LlmResponse } from '../../src/llm/types.js';

export const SYSTEM = 'You explore an MCP server. Call tools to find facts; answer in one sentence.';

export const TOOLS: NonNullable<LlmRequest['tools']> = [
  {
    name: 'search_nodes',
    description: 'Search the knowledge graph for nodes matching a query',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
  {
    name: 'open_nodes',
    description: 'Open nodes by name',
    // Declared without `type`, as some MCP servers do: clients must send an object schema anyway.
    inputSchema: { properties: { names: { type: 'array', items: { type: 'string' } } }, required: ['names'] },
  },
];

export function firstTurn(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return { system: SYSTEM, messages: [{ role: 'user', text: 'Who is Ada?' }], tools: TOOLS, toolChoice: 'auto', maxTokens: 512, ...overrides };
}

/** The next request after `response`: its calls answered, the first one with an error. */
export function secondTurn(first: LlmRequest, response: LlmResponse): LlmRequest {
  return {
    ...first,
    messages: [
      ...first.messages,
      { role: 'assistant', text: response.text, toolCalls: response.toolCalls },
      {
        role: 'tool',
        results: response.toolCalls.map((call, i) =>
          i === 0 ? { toolCallId: call.id, content: '{"entities":[{"name":"Ada Lovelace"}]}' } : { toolCallId: call.id, content: 'MCP error -32602: names must not be empty', isError: true },
        ),
      },
    ],
  };
}
