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
    // Real servers' outputs.
    ['an elicitation the client could not answer', { content: [text('Elicitation error: MCP error -32601: Method not found')] }, true],
    ['the SDK relaying invalid arguments', { content: [text('MCP error -32602: Invalid arguments for tool get_city')] }, true],
    ['a relayed JSON-RPC error object', { content: [text('{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"Method not found"}}')] }, true],
    ['a JSON-RPC code in prose', { content: [text('Request failed with error code -32603 (internal)')] }, true],
    ['an in-band database failure', { content: [text('{"success":false,"error":"Catalog Error: Table with name users does not exist!"}')] }, true],
    ['a filesystem error', { content: [text("Error: ENOENT: no such file or directory, open '/tmp/x'")] }, true],
    ['an internal error label', { content: [text('Internal server error: upstream closed the connection')] }, true],
    ['a validator saying no', { content: [text('{"valid":false,"errors":["missing field: name"]}')] }, false],
    ['a finding that names no error', { content: [text('No error: all 3 files passed the lint')] }, false],
    ['a document that mentions a protocol error further down', { content: [text('# API notes\nA wrong method name gets "Method not found" (-32601).')] }, false],
    ['a word ending in error', { content: [text('Terror: a novel, 1998')] }, false],
    ['a thought record', { structuredContent: { thoughtNumber: 1, totalThoughts: 3, nextThoughtNeeded: true } }, false],
  ];
  it.each(cases)('%s → %s', (_, result, expected) => {
    expect(failsInResult(result)).toBe(expected);
  });
});
