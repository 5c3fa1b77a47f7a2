import { describe, expect, it } from 'vitest';
import { toChatCompletionsBody } from '../../../src/llm/openai-request.js';

describe('toChatCompletionsBody', () => {
  it('sends tools as functions, calls with JSON-string arguments and results as tool messages', () => {
    const body = toChatCompletionsBody(
      {
        system: 'Be brief.',
        messages: [
          { role: 'user', text: 'Find Ada' },
          { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'search_nodes', arguments: { query: 'Ada' } }] },
          { role: 'tool', results: [{ toolCallId: 'c1', content: 'no such node', isError: true }] },
        ],
        tools: [{ name: 'search_nodes', description: 'Search', inputSchema: { properties: { query: { type: 'string' } } } }],
        toolChoice: 'any',
        maxTokens: 256,
        temperature: 0.2,
        cacheStablePrefix: true,
      },
      'qwen3:8b',
    );
    expect(body).toEqual({
      model: 'qwen3:8b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Find Ada' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search_nodes', arguments: '{"query":"Ada"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'Error: no such node' },
      ],
      max_tokens: 256,
      tools: [{ type: 'function', function: { name: 'search_nodes', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }],
      tool_choice: 'required',
      temperature: 0.2,
    });
  });

  it('names a forced tool the chat-completions way and leaves an error result that says so as it is', () => {
    const body = toChatCompletionsBody(
      {
        system: '',
        messages: [
          { role: 'user', text: 'x' },
          { role: 'assistant', text: 'Calling.', toolCalls: [{ id: 'c1', name: 't', arguments: {} }] },
          { role: 'tool', results: [{ toolCallId: 'c1', content: 'Error: bad id', isError: true }] },
        ],
        tools: [{ name: 't', inputSchema: { type: 'object' } }],
        toolChoice: { name: 't' },
        maxTokens: 1,
      },
      'm',
    );
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 't' } });
    expect(body.messages).toEqual([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'Calling.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 't', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'Error: bad id' },
    ]);
  });
});
