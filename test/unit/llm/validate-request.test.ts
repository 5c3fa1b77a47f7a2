import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/llm/endpoint.js';
import { LlmError } from '../../../src/llm/errors.js';
import type { LlmRequest } from '../../../src/llm/types.js';
import { validateRequest } from '../../../src/llm/validate-request.js';

const endpoint: Endpoint = { provider: 'anthropic', baseURL: 'https://api.anthropic.com', model: 'm', timeoutMs: 1000 };
const tool = { name: 'open_nodes', inputSchema: { type: 'object' } };
const ok: LlmRequest = { system: '', messages: [{ role: 'user', text: 'x' }], tools: [tool], maxTokens: 10 };

function field(request: LlmRequest): string | undefined {
  try {
    validateRequest(request, endpoint);
  } catch (error) {
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false });
    return (error as LlmError).field;
  }
  return undefined;
}

describe('validateRequest', () => {
  it('lets a well-formed request through', () => {
    expect(field(ok)).toBeUndefined();
  });

  it.each([
    ['maxTokens', { ...ok, maxTokens: 0 }],
    ['messages', { ...ok, messages: [] }],
    ['tools[0].name', { ...ok, tools: [{ ...tool, name: 'memory/open_nodes' }] }],
    ['tools[1].name', { ...ok, tools: [tool, tool] }],
    ['tools[0].inputSchema.type', { ...ok, tools: [{ name: 't', inputSchema: { type: 'string' } }] }],
    ['toolChoice', { ...ok, tools: [], toolChoice: 'any' }],
    ['toolChoice.name', { ...ok, toolChoice: { name: 'read_graph' } }],
    ['messages[1].results[0].toolCallId', { ...ok, messages: [{ role: 'user', text: 'x' }, { role: 'tool', results: [{ toolCallId: 'nope', content: '' }] }] }],
  ] as Array<[string, LlmRequest]>)('names %s', (expected, request) => {
    expect(field(request)).toBe(expected);
  });
});
