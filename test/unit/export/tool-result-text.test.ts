import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/domain.js';
import { toolResultText } from '../../../src/export/tool-result-text.js';

describe('toolResultText', () => {
  it('serialises structured output, the object ground-truth paths address', () => {
    const result = { content: [{ type: 'text', text: '[\n  1\n]' }], structuredContent: { entities: [{ name: 'Ada' }] } };
    expect(toolResultText(result)).toBe('{"entities":[{"name":"Ada"}]}');
  });

  it('joins text blocks and summarises binary ones without their data', () => {
    const result: JsonValue = {
      content: [
        { type: 'text', text: 'Echo: hi' },
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'demo://blob/1', mimeType: 'application/gzip', blob: 'H4sI' } },
      ],
    };
    const text = toolResultText(result);
    expect(text).toBe('Echo: hi\n{"type":"image","mimeType":"image/png"}\n{"type":"resource","uri":"demo://blob/1","mimeType":"application/gzip"}');
    expect(text).not.toContain('iVBOR');
  });

  it('serialises what is not a CallToolResult whole', () => {
    expect(toolResultText({ error: { code: -32602, message: 'Invalid arguments' } })).toBe('{"error":{"code":-32602,"message":"Invalid arguments"}}');
    expect(toolResultText({ content: [] })).toBe('');
  });
});
