import { describe, expect, it } from 'vitest';
import { fromAnthropicMessage } from '../../../src/llm/anthropic-response.js';
import { MalformedOutputError } from '../../../src/llm/errors.js';
import { fromChatCompletion } from '../../../src/llm/openai-response.js';
import type { LlmRequest } from '../../../src/llm/types.js';

const request: LlmRequest = {
  system: '',
  messages: [{ role: 'user', text: 'x' }],
  tools: [{ name: 'open_nodes', inputSchema: { type: 'object' } }],
  maxTokens: 100,
};

function thrown(work: () => unknown): MalformedOutputError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedOutputError);
    return error as MalformedOutputError;
  }
  throw new Error('expected a MalformedOutputError');
}

describe('fromAnthropicMessage', () => {
  const message = (content: unknown[]) => ({
    model: 'claude-haiku-4-5-20251001',
    content,
    stop_reason: 'tool_use',
    usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 90, cache_creation_input_tokens: null },
  });

  it('reads text, tool calls, the stop reason and usage with cache fields', () => {
    const response = fromAnthropicMessage(
      message([{ type: 'text', text: 'Opening.' }, { type: 'tool_use', id: 'toolu_1', name: 'open_nodes', input: { names: ['Ada'] } }]),
      request,
      'claude-haiku-4-5',
    );
    expect(response).toEqual({
      text: 'Opening.',
      toolCalls: [{ id: 'toolu_1', name: 'open_nodes', arguments: { names: ['Ada'] } }],
      stopReason: 'tool-use',
      providerStopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 3, cacheReadTokens: 90, cacheWriteTokens: 0 },
      model: 'claude-haiku-4-5-20251001',
    });
  });

  it('reports a tool_use block with missing fields, keeping the block and the usage', () => {
    const error = thrown(() => fromAnthropicMessage(message([{ type: 'tool_use', name: 'open_nodes' }]), request, 'm'));
    expect(error.reason).toBe('missing-field');
    expect(error.message).toContain('lacks id, input');
    expect(JSON.parse(error.raw)).toEqual({ type: 'tool_use', name: 'open_nodes' });
    expect(error.usage.cacheReadTokens).toBe(90);
  });

  it('reports input that is not an object, and a tool that was not offered', () => {
    expect(thrown(() => fromAnthropicMessage(message([{ type: 'tool_use', id: 't', name: 'open_nodes', input: 'Ada' }]), request, 'm')).reason).toBe('not-an-object');
    const unknown = thrown(() => fromAnthropicMessage(message([{ type: 'tool_use', id: 't', name: 'delete_all', input: {} }]), request, 'm'));
    expect(unknown).toMatchObject({ reason: 'unknown-tool', toolName: 'delete_all', toolCallId: 't' });
    expect(unknown.message).toContain('offered: open_nodes');
  });
});

describe('fromChatCompletion', () => {
  const completion = (message: Record<string, unknown>, finish = 'tool_calls') => ({
    model: 'qwen3:8b',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 120, completion_tokens: 8, prompt_tokens_details: { cached_tokens: 100 } },
  });
  const call = (args: unknown, name = 'open_nodes') => ({ id: 'call_1', type: 'function', function: { name, arguments: args } });

  it('parses JSON-string arguments and counts cached prompt tokens apart', () => {
    const response = fromChatCompletion(completion({ content: null, tool_calls: [call('{"names":["Ada"]}')] }), request, 'qwen3:8b');
    expect(response.toolCalls).toEqual([{ id: 'call_1', name: 'open_nodes', arguments: { names: ['Ada'] } }]);
    expect(response.usage).toEqual({ inputTokens: 20, outputTokens: 8, cacheReadTokens: 100, cacheWriteTokens: 0 });
    expect(response).toMatchObject({ text: '', stopReason: 'tool-use', providerStopReason: 'tool_calls' });
  });

  it('reports arguments that are not JSON with the raw text', () => {
    const error = thrown(() => fromChatCompletion(completion({ tool_calls: [call('{"names": ["Ada"]')] }), request, 'm'));
    expect(error).toMatchObject({ reason: 'invalid-json', raw: '{"names": ["Ada"]', toolName: 'open_nodes', toolCallId: 'call_1' });
    expect(error.usage.inputTokens).toBe(20);
  });

  it('reports JSON that is not an object, a missing name and an unknown tool', () => {
    expect(thrown(() => fromChatCompletion(completion({ tool_calls: [call('["Ada"]')] }), request, 'm')).reason).toBe('not-an-object');
    expect(thrown(() => fromChatCompletion(completion({ tool_calls: [{ id: 'c', function: { arguments: '{}' } }] }), request, 'm')).reason).toBe('missing-field');
    expect(thrown(() => fromChatCompletion(completion({ tool_calls: [call('{}', 'rm_rf')] }), request, 'm')).reason).toBe('unknown-tool');
  });

  it('accepts what local servers send: "" for no arguments, an object, no id, "stop" with tool calls', () => {
    const response = fromChatCompletion(
      completion({ tool_calls: [{ function: { name: 'open_nodes', arguments: '' } }, { function: { name: 'open_nodes', arguments: { names: [] } } }] }, 'stop'),
      request,
      'm',
    );
    expect(response.toolCalls).toEqual([
      { id: 'call_0', name: 'open_nodes', arguments: {} },
      { id: 'call_1', name: 'open_nodes', arguments: { names: [] } },
    ]);
    expect(response.stopReason).toBe('tool-use');
  });
});
