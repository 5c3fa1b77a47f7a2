import { describe, expect, it } from 'vitest';
import { toAnthropicMessages, toAnthropicParams } from '../../../src/llm/anthropic-request.js';
import type { LlmRequest } from '../../../src/llm/types.js';

const tools = [
  { name: 'search_nodes', description: 'Search', inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  { name: 'read_graph', inputSchema: { properties: {} } },
];
const base: LlmRequest = { system: 'You explore tools.', messages: [{ role: 'user', text: 'Go' }], tools, maxTokens: 512 };

describe('toAnthropicParams', () => {
  it('marks the system block and the last tool as the cached prefix when asked', () => {
    const params = toAnthropicParams({ ...base, cacheStablePrefix: true, toolChoice: 'any', temperature: 0 }, 'claude-haiku-4-5');
    expect(params.system).toEqual([{ type: 'text', text: 'You explore tools.', cache_control: { type: 'ephemeral' } }]);
    expect(params.tools).toEqual([
      { name: 'search_nodes', description: 'Search', input_schema: tools[0]!.inputSchema },
      { name: 'read_graph', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(params).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 512, tool_choice: { type: 'any' }, temperature: 0 });
  });

  it('sends plain system text and no breakpoints otherwise, and no empty system at all', () => {
    const params = toAnthropicParams(base, 'm');
    expect(params.system).toBe('You explore tools.');
    expect(JSON.stringify(params)).not.toContain('cache_control');
    expect(toAnthropicParams({ ...base, system: '', tools: [] }, 'm')).not.toHaveProperty('system');
    expect(toAnthropicParams({ ...base, tools: [] }, 'm')).not.toHaveProperty('tools');
    expect(toAnthropicParams({ ...base, toolChoice: { name: 'read_graph' } }, 'm').tool_choice).toEqual({ type: 'tool', name: 'read_graph' });
  });
});

describe('toAnthropicMessages', () => {
  it('sends tool calls as tool_use blocks and results as tool_result blocks in one user turn with what follows', () => {
    const messages = toAnthropicMessages([
      { role: 'user', text: 'Find Ada' },
      { role: 'assistant', text: '', toolCalls: [{ id: 't1', name: 'search_nodes', arguments: { query: 'Ada' } }, { id: 't2', name: 'read_graph', arguments: {} }] },
      { role: 'tool', results: [{ toolCallId: 't1', content: '[]' }, { toolCallId: 't2', content: 'boom', isError: true }] },
      { role: 'user', text: 'Try again' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Find Ada' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 't1', name: 'search_nodes', input: { query: 'Ada' } },
          { type: 'tool_use', id: 't2', name: 'read_graph', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: '[]' },
          { type: 'tool_result', tool_use_id: 't2', content: 'boom', is_error: true },
          { type: 'text', text: 'Try again' },
        ],
      },
    ]);
  });
});
