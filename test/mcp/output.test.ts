import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/domain.js';
import { failsInResult } from '../../src/mcp/failure.js';
import { outputValue } from '../../src/mcp/output.js';

const text = (t: string) => ({ type: 'text', text: t });

describe('outputValue', () => {
  it('prefers structuredContent', () => {
    expect(outputValue({ content: [text('{"a":1}')], structuredContent: { temperature: 36 } })).toEqual({ temperature: 36 });
  });

  it('parses a single text block as JSON, or wraps it as { text }', () => {
    expect(outputValue({ content: [text('{"requestId":"req-1"}')] })).toEqual({ requestId: 'req-1' });
    expect(outputValue({ content: [text('Echo: hi')] })).toEqual({ text: 'Echo: hi' });
  });

  it('turns several blocks into an array of parsed or raw values', () => {
    expect(outputValue({ content: [text('[1,2]'), text('plain words')] })).toEqual([[1, 2], 'plain words']);
  });

  it('summarises binary content without its data', () => {
    const result: JsonValue = {
      content: [
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'demo://text/3', mimeType: 'text/plain', text: 'Resource 3' } },
        { type: 'resource', resource: { uri: 'demo://blob/1', mimeType: 'application/gzip', blob: 'H4sI' } },
        { type: 'resource_link', uri: 'demo://text/2', name: 'Text Resource 2', mimeType: 'text/plain' },
      ],
    };
    expect(outputValue(result)).toEqual([
      { type: 'image', mimeType: 'image/png' },
      { type: 'resource', uri: 'demo://text/3', mimeType: 'text/plain', text: 'Resource 3' },
      { type: 'resource', uri: 'demo://blob/1', mimeType: 'application/gzip' },
      { type: 'resource_link', uri: 'demo://text/2', name: 'Text Resource 2', mimeType: 'text/plain' },
    ]);
  });

  it('gives null for a result without content', () => {
    expect(outputValue({ content: [] })).toBeNull();
  });
});

describe('failsInResult', () => {
  const cases: Array<[string, JsonValue, boolean]> = [
    ['success false', { content: [text('{"success":false,"reason":"locked"}')] }, true],
    ['ok false', { structuredContent: { ok: false } }, true],
    ['status error', { content: [text('{"status":"error","message":"Request not found"}')] }, true],
    ['error message', { content: [text('{"error":"rate limited"}')] }, true],
    ['text starting with Error:', { content: [text('Error: Operation failed')] }, true],
    ['one failing block among several', { content: [text('Error: Operation failed'), { type: 'image', data: '', mimeType: 'image/png' }] }, true],
    ['status planned', { content: [text('{"status":"planned","requestId":"req-1"}')] }, false],
    ['error null', { structuredContent: { error: null, value: 3 } }, false],
    ['text mentioning an error later', { content: [text('No error found in 3 files')] }, false],
    ['plain success', { content: [text('Echo: hi')] }, false],
  ];
  it.each(cases)('%s → %s', (_, result, expected) => {
    expect(failsInResult(result)).toBe(expected);
  });
});
