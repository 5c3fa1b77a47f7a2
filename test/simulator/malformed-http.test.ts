import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, ListToolsResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';
import { startHttpSimulator, type HttpSimulator } from './simulate-process.js';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const PROTOCOL_VERSION = '2025-06-18';
const MIB = 1024 * 1024;

interface Answer {
  status: number;
  sessionId: string | null;
  /** The JSON-RPC body: the JSON body, or the one message of an SSE stream. */
  body: unknown;
}

/** A raw POST with fetch; an SSE answer is read to its end and its data line parsed. */
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body });
  const text = await response.text();
  const sse = response.headers.get('content-type')?.startsWith('text/event-stream');
  const data = sse ? /^data: (.*)$/m.exec(text)?.[1] : text;
  return { status: response.status, sessionId: response.headers.get('mcp-session-id'), body: data ? (JSON.parse(data) as unknown) : undefined };
}

/** A POST whose body goes out in chunks without a Content-Length (chunked transfer encoding). */
function postChunked(url: string, chunks: Buffer[], headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer 413 before the whole body went out; a write after that is no failure here.
    req.on('error', reject);
    const write = (i: number) => {
      if (i === chunks.length) return void req.end();
      if (req.destroyed) return;
      req.write(chunks[i], () => write(i + 1));
    };
    write(0);
  });
}

const rpc = (id: number | string | null, method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const initialize = (id: number) =>
  rpc(id, 'initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'malformed-http-test', version: '1' } });
const errorOf = (answer: Answer) => (answer.body as { id: unknown; error: { code: number; message: string } });

/** Each malformed body, sent within a session, with the status and JSON-RPC error it must get. */
const MALFORMED: Array<{ what: string; body: string; status: number; code: number; id?: number | null; message: RegExp }> = [
  { what: 'invalid JSON', body: '{"jsonrpc": "2.0", "id": 1, "method": ', status: 400, code: -32700, id: null, message: /Parse error: the request body is not JSON/ },
  { what: 'a number instead of a message', body: '42', status: 400, code: -32600, id: null, message: /a JSON-RPC message is an object, not number 42/ },
  { what: 'null', body: 'null', status: 400, code: -32600, id: null, message: /not null/ },
  { what: 'an empty batch', body: '[]', status: 400, code: -32600, id: null, message: /the batch is empty/ },
  { what: 'a request without a method', body: JSON.stringify({ jsonrpc: '2.0', id: 7 }), status: 400, code: -32600, id: 7, message: /no method/ },
  { what: 'a method that is not a string', body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 42 }), status: 400, code: -32600, id: 8, message: /method is number 42/ },
  { what: 'the wrong jsonrpc version', body: JSON.stringify({ jsonrpc: '1.0', id: 9, method: 'tools/list' }), status: 400, code: -32600, id: 9, message: /jsonrpc is "1.0"/ },
  { what: 'an id that is an object', body: JSON.stringify({ jsonrpc: '2.0', id: { a: 1 }, method: 'tools/list' }), status: 400, code: -32600, id: null, message: /id is an object/ },
  { what: 'params that are a string', body: rpc(10, 'tools/list', 'all'), status: 400, code: -32600, id: 10, message: /params is "all": give an object/ },
  { what: 'params that are an array', body: rpc(11, 'tools/list', [1]), status: 200, code: -32602, id: 11, message: /params is an array/ },
  { what: 'a tools/list cursor that is a number', body: rpc(12, 'tools/list', { cursor: 5 }), status: 200, code: -32602, id: 12, message: /tools\/list params.cursor: .*expected string/ },
  { what: 'a _meta that is a string', body: rpc(13, 'tools/list', { _meta: 'x' }), status: 200, code: -32602, id: 13, message: /params._meta/ },
  { what: 'tools/call without a name', body: rpc(14, 'tools/call', { arguments: {} }), status: 200, code: -32602, id: 14, message: /params.name is missing/ },
  { what: 'tools/call arguments that are a string', body: rpc(15, 'tools/call', { name: 'read_graph', arguments: 'all' }), status: 200, code: -32602, id: 15, message: /params.arguments is a string/ },
  { what: 'tools/call arguments nested 10,000 deep', body: `{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":"read_graph","arguments":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`, status: 200, code: -32602, id: 16, message: /nest deeper than 100 levels/ },
  { what: 'an unknown tool', body: rpc(17, 'tools/call', { name: 'drop_database', arguments: {} }), status: 200, code: -32602, id: 17, message: /Unknown tool "drop_database"/ },
  { what: 'an unknown method', body: rpc(18, 'resources/subscribe_everything', {}), status: 200, code: -32601, id: 18, message: /Method not found: resources\/subscribe_everything/ },
];

describe('firefly simulate --http, sent malformed and oversized requests', () => {
  let run: RecordedRun;
  let simulator: HttpSimulator;
  let session: Record<string, string>;
  const toolCount = () => run.input.tools.length;

  /** A valid tools/list in the session: the server must still answer after every bad request. */
  const expectStillServing = async () => {
    const answer = await post(simulator.url, rpc(1000, 'tools/list'), session);
    expect(answer.status).toBe(200);
    expect((answer.body as { result: { tools: unknown[] } }).result.tools).toHaveLength(toolCount());
    expect(simulator.process.exitCode).toBeNull();
  };

  beforeAll(async () => {
    run = await recordMemoryRun();
    simulator = await startHttpSimulator(run.datasetDir);
    const opened = await post(simulator.url, initialize(1));
    expect(opened.status).toBe(200);
    session = { 'mcp-session-id': opened.sessionId!, 'mcp-protocol-version': PROTOCOL_VERSION };
    await post(simulator.url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), session);
  });
  afterAll(async () => {
    await simulator?.stop();
    await run?.cleanup();
  });

  it.each(MALFORMED)('answers $what with $code (HTTP $status), then still serves', async ({ body, status, code, id, message }) => {
    const answer = await post(simulator.url, body, session);
    expect(answer.status).toBe(status);
    expect(errorOf(answer)).toMatchObject({ id: id ?? null, error: { code } });
    expect(errorOf(answer).error.message).toMatch(message);
    await expectStillServing();
  });

  it('refuses a batch of garbage whole, one -32600 per bad member, then still serves', async () => {
    const answer = await post(simulator.url, JSON.stringify([1, 'two', { jsonrpc: '2.0', id: 3 }, JSON.parse(rpc(4, 'tools/list'))]), session);
    expect(answer.status).toBe(400);
    const errors = answer.body as Array<{ id: unknown; error: { code: number; message: string } }>;
    expect(errors.map((e) => [e.id, e.error.code])).toEqual([[null, -32600], [null, -32600], [3, -32600]]);
    expect(errors[2]!.error.message).toMatch(/^batch member 2: .*no method.*nothing in this batch was processed/);
    await expectStillServing();
  });

  it('answers initialize with malformed params -32602 and opens no session', async () => {
    const answer = await post(simulator.url, rpc(5, 'initialize', { protocolVersion: 2025, capabilities: {}, clientInfo: { name: 'x', version: '1' } }));
    expect(answer.status).toBe(200);
    expect(answer.sessionId).toBeNull();
    expect(errorOf(answer)).toMatchObject({ id: 5, error: { code: -32602 } });
    expect(errorOf(answer).error.message).toMatch(/initialize params.protocolVersion: .*expected string/);
    const garbage = await post(simulator.url, '[1, 2, 3]');
    expect(garbage.status).toBe(400);
    expect((garbage.body as unknown[]).length).toBe(3);
    await expectStillServing();
  });

  it('answers a 2 MiB body with 413 before reading it, in a session or not, then still serves', async () => {
    const huge = rpc(20, 'tools/call', { name: 'read_graph', arguments: { padding: 'x'.repeat(2 * MIB) } });
    for (const headers of [session, {}]) {
      const answer = await post(simulator.url, huge, headers);
      expect(answer.status).toBe(413);
      expect(errorOf(answer)).toMatchObject({ id: null, error: { code: -32600 } });
      expect(errorOf(answer).error.message).toMatch(/the request body is over 1048576 bytes.*--max-message-bytes/);
    }
    await expectStillServing();
  });

  it('answers a body that passes 1 MiB mid-stream (no Content-Length) with 413, then still serves', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const answer = await postChunked(simulator.url, Array.from({ length: 8 }, () => chunk), session);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: -32600 } });
    await expectStillServing();
  });

  it('takes a body just under the limit', async () => {
    const body = rpc(21, 'tools/call', { name: 'search_nodes', arguments: { query: 'Hedy' } });
    const padded = body.replace('"Hedy"', `"Hedy ${'x'.repeat(MIB - body.length - 20)}"`);
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(MIB);
    const answer = await post(simulator.url, padded, session);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 21, result: { _meta: { 'firefly/provenance': expect.any(String) } } });
  });

  it('still opens a new session and lists the tools, raw and with the SDK client, which reads -32602 as an McpError', async () => {
    const opened = await post(simulator.url, initialize(30));
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: 30, result: { serverInfo: { version: 'firefly-simulator' } } });
    const listed = await post(simulator.url, rpc(31, 'tools/list'), { 'mcp-session-id': opened.sessionId!, 'mcp-protocol-version': PROTOCOL_VERSION });
    expect((listed.body as { result: { tools: unknown[] } }).result.tools).toHaveLength(toolCount());

    const client = new Client({ name: 'malformed-http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(simulator.url)));
    try {
      expect((await client.listTools()).tools).toHaveLength(toolCount());
      const refused = await client.request({ method: 'tools/list', params: { cursor: 5 as never } }, ListToolsResultSchema).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((await client.listTools()).tools).toHaveLength(toolCount());
    } finally {
      await client.close();
    }
    expect(simulator.stderr()).not.toMatch(/request failed|internal error/);
    expect(await simulator.stop()).toBe(0);
  });
});
