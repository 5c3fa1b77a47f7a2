import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { bearerChecker, isLoopbackHost, tokenProblem } from '../../../src/simulator/http-access.js';
import { checkMessage } from '../../../src/simulator/jsonrpc-check.js';
import { LineTransport } from '../../../src/simulator/stdio-transport.js';

describe('checkMessage', () => {
  it.each([
    ['a request', { jsonrpc: '2.0', id: 1, method: 'tools/list' }],
    ['a request with a string id and params', { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x', arguments: {} } }],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/initialized' }],
    ['a result', { jsonrpc: '2.0', id: 1, result: {} }],
    ['an error response', { jsonrpc: '2.0', id: 1, error: { code: -1, message: 'no' } }],
    ['an unknown method (the server answers -32601)', { jsonrpc: '2.0', id: 1, method: 'x/y', params: { any: ['thing'] } }],
    ['a valid initialize', { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }],
  ])('passes %s on', (_what, message) => {
    expect(checkMessage(message)).toEqual({ message });
  });

  it.each([
    ['a number', 5, -32600, null],
    ['an array', [], -32600, null],
    ['no jsonrpc', { id: 1, method: 'tools/list' }, -32600, 1],
    ['a fractional id', { jsonrpc: '2.0', id: 1.5, method: 'tools/list' }, -32600, null],
    ['a null id', { jsonrpc: '2.0', id: null, method: 'tools/list' }, -32600, null],
    ['no method', { jsonrpc: '2.0', id: 2 }, -32600, 2],
    ['an empty method', { jsonrpc: '2.0', id: 3, method: '' }, -32600, 3],
    ['an extra member', { jsonrpc: '2.0', id: 4, method: 'ping', extra: 1 }, -32600, 4],
    ['params that are a string', { jsonrpc: '2.0', id: 5, method: 'ping', params: 's' }, -32600, 5],
    ['params that are null', { jsonrpc: '2.0', id: 6, method: 'ping', params: null }, -32600, 6],
    ['params that are an array', { jsonrpc: '2.0', id: 7, method: 'ping', params: [] }, -32602, 7],
    ['a _meta that is a number', { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { _meta: 1 } }, -32602, 8],
    ['a tools/list cursor that is a number', { jsonrpc: '2.0', id: 9, method: 'tools/list', params: { cursor: 1 } }, -32602, 9],
    ['initialize without clientInfo', { jsonrpc: '2.0', id: 10, method: 'initialize', params: { protocolVersion: '1', capabilities: {} } }, -32602, 10],
    ['a result that is not an object', { jsonrpc: '2.0', id: 11, result: 5 }, -32600, 11],
    ['an error without a code', { jsonrpc: '2.0', id: 12, error: { message: 'x' } }, -32600, 12],
  ])('refuses %s', (_what, value, code, id) => {
    const checked = checkMessage(value);
    expect(checked).toMatchObject({ problem: { jsonrpc: '2.0', id, error: { code } }, notification: false });
  });

  it('marks a notification with bad params, which gets no answer', () => {
    expect(checkMessage({ jsonrpc: '2.0', method: 'notifications/cancelled', params: [] })).toMatchObject({ problem: { error: { code: -32602 } }, notification: true });
    // A message that is not a request at all is answered even without an id.
    expect(checkMessage({ jsonrpc: '2.0', method: 7 })).toMatchObject({ problem: { id: null, error: { code: -32600 } }, notification: false });
  });

  it('names the field and the fix', () => {
    const checked = checkMessage({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 1 } });
    expect('problem' in checked && checked.problem.error.message).toMatch(/^Invalid params: tools\/list params.cursor: .*expected string.*: see the MCP schema of tools\/list$/);
  });
});

describe('isLoopbackHost, tokenProblem and bearerChecker', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', 'LocalHost', '::ffff:127.0.0.1', '[::ffff:7f00:1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '128.0.0.1', '10.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost.example.com', 'example.com', '', '127.0.0.1.nip.io'])('%j is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('wants 16 token68 characters', () => {
    expect(tokenProblem('a'.repeat(16), '--token')).toBeUndefined();
    expect(tokenProblem('abcDEF-._~+/0123==', '--token')).toBeUndefined();
    expect(tokenProblem('a'.repeat(15), '--token')).toMatch(/--token is 15 characters: give at least 16/);
    expect(tokenProblem('a b'.repeat(8), 'X')).toMatch(/X has characters a bearer token cannot carry/);
    expect(tokenProblem('', 'X')).toMatch(/cannot carry/);
  });

  it('takes Authorization: Bearer <token> (the scheme in any case) and nothing else', () => {
    const authorized = bearerChecker('s3cret-token-0123456789');
    expect(authorized('Bearer s3cret-token-0123456789')).toBe(true);
    expect(authorized('bearer s3cret-token-0123456789')).toBe(true);
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 's3cret-token-0123456789', 'Basic s3cret-token-0123456789', 'Bearer s3cret-token-012345678', 'Bearer s3cret-token-01234567890', 'Bearer s3cret-token-0123456789 extra']) {
      expect(authorized(header), String(header)).toBe(false);
    }
  });
});

/** A LineTransport on in-memory streams: what it hands on and what it writes back. */
function lineTransport(maxMessageBytes = 64) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new LineTransport(input, output, { maxMessageBytes, log: (line) => logged.push(line) });
  const received: JSONRPCMessage[] = [];
  const logged: string[] = [];
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  transport.onmessage = (message) => received.push(message);
  const answers = () => written.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: unknown; error: { code: number; message: string } });
  return { input, output, transport, received, logged, answers };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LineTransport', () => {
  it('hands on one message per line, however the bytes arrive', async () => {
    const t = lineTransport();
    await t.transport.start();
    const a = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const b = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    t.input.write(a.slice(0, 5));
    t.input.write(`${a.slice(5)}\n${b}\r\n\n   \n`);
    await tick();
    expect(t.received.map((m) => (m as { id: number }).id)).toEqual([1, 2]);
    expect(t.answers()).toEqual([]);
  });

  it('answers bad lines and goes on', async () => {
    const t = lineTransport();
    await t.transport.start();
    t.input.write('{oops\n[1]\n{"jsonrpc":"2.0","id":3}\n{"jsonrpc":"2.0","method":"n","params":[]}\n{"jsonrpc":"2.0","id":4,"method":"ping"}\n');
    await tick();
    expect(t.answers().map((a) => [a.id, a.error.code])).toEqual([[null, -32700], [null, -32600], [3, -32600]]);
    expect(t.logged).toEqual([expect.stringMatching(/^notification refused: Invalid params: n params is an array/)]);
    expect(t.received).toEqual([{ jsonrpc: '2.0', id: 4, method: 'ping' }]);
  });

  it('answers a line over the limit once, as soon as it passes, skips its rest, and reads the next line', async () => {
    const t = lineTransport(64);
    await t.transport.start();
    t.input.write('x'.repeat(40));
    t.input.write('x'.repeat(40));
    await tick();
    expect(t.answers()).toEqual([{ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/the line is over 64 bytes/) } }]);
    t.input.write(`${'x'.repeat(500)}\n{"jsonrpc":"2.0","id":5,"method":"ping"}\n`);
    await tick();
    expect(t.answers()).toHaveLength(1);
    expect(t.received).toEqual([{ jsonrpc: '2.0', id: 5, method: 'ping' }]);
    // Exactly the limit is fine.
    const exact = JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'p'.repeat(64 - JSON.stringify({ jsonrpc: '2.0', id: 6, method: '' }).length) });
    expect(Buffer.byteLength(exact)).toBe(64);
    t.input.write(`${exact}\n`);
    await tick();
    expect(t.received).toHaveLength(2);
  });

  it('sends replies as lines, takes a last line without a newline, and closes when input ends', async () => {
    const t = lineTransport();
    let closed = false;
    t.transport.onclose = () => (closed = true);
    await t.transport.start();
    await t.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    t.input.end('{"jsonrpc":"2.0","id":7,"method":"ping"}');
    await tick();
    expect(t.answers()).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(t.received).toEqual([{ jsonrpc: '2.0', id: 7, method: 'ping' }]);
    expect(closed).toBe(true);
    // Sending after the close is dropped, not thrown.
    await t.transport.send({ jsonrpc: '2.0', id: 2, result: {} });
  });

  it('closes on an output error (EPIPE) instead of throwing, and stays quiet about later ones', async () => {
    const t = lineTransport();
    const errors: Error[] = [];
    t.transport.onerror = (error) => errors.push(error);
    let closed = false;
    t.transport.onclose = () => (closed = true);
    await t.transport.start();
    t.output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    t.output.emit('error', new Error('again'));
    expect(closed).toBe(true);
    expect(errors.map((e) => e.message)).toEqual(['write EPIPE']);
  });
});
