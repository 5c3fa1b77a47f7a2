import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain.js';
import { recordMemoryRun, writeFollowedByRead, type RecordedRun } from './record-memory-run.js';
import { startHttpSimulator, type HttpSimulator } from './simulate-process.js';

const withoutMeta = (result: JsonObject) => {
  const { _meta: _ignored, ...rest } = result;
  return rest;
};

/** A raw HTTP request, for what the SDK client never sends (a foreign Host header, a broken body). */
function rawRequest(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('firefly simulate --http, with the SDK streamable HTTP client', () => {
  let run: RecordedRun;
  let simulator: HttpSimulator;
  const clients: Client[] = [];
  const connect = async () => {
    const client = new Client({ name: 'simulator-http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(simulator.url)));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    run = await recordMemoryRun();
    simulator = await startHttpSimulator(run.datasetDir);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await simulator?.stop();
    await run?.cleanup();
  });

  it('listens on a free loopback port and prints the endpoint', () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(simulator.url).not.toMatch(/:0\/mcp$/);
  });

  it('lists the recorded tools and answers a recorded call exactly', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(run.input.tools.map((t) => t.name));
    expect(tools.find((t) => t.name === 'read_graph')?.annotations).toMatchObject({ readOnlyHint: true });
    const recorded = run.input.calls.find((c) => c.subDagIndex === 0 && c.phase === 'explore')!;
    const result = (await client.callTool({ name: recorded.tool, arguments: recorded.arguments })) as JsonObject;
    expect(withoutMeta(result)).toEqual(recorded.result);
    expect(result._meta).toMatchObject({ 'firefly/provenance': 'exact', 'firefly/similarity': 1 });
  });

  it('gives every session its own episode', async () => {
    const write = writeFollowedByRead(run);
    const a = await connect();
    const b = await connect();
    const before = (await a.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
    await a.callTool({ name: write.tool, arguments: write.arguments });
    const after = (await a.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
    expect(withoutMeta(after)).not.toEqual(withoutMeta(before));
    expect((after._meta as JsonObject)['firefly/provenance']).toBe('exact');
    const other = (await b.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
    expect(withoutMeta(other)).toEqual(withoutMeta(before));
  });

  it('refuses bad requests with HTTP errors and keeps serving', async () => {
    const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const foreignHost = await rawRequest(simulator.url, { method: 'POST', headers: { ...json, host: 'evil.example' }, body: '{}' });
    expect(foreignHost.status).toBe(403);
    const notJson = await rawRequest(simulator.url, { method: 'POST', headers: json, body: '{not json' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ error: { code: -32700 } });
    const noSession = await rawRequest(simulator.url, { method: 'POST', headers: json, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(noSession.status).toBe(400);
    const staleSession = await rawRequest(simulator.url, { method: 'POST', headers: { ...json, 'mcp-session-id': 'no-such-session' }, body: '{}' });
    expect(staleSession.status).toBe(404);
    const elsewhere = await rawRequest(simulator.url.replace(/\/mcp$/, '/other'), { method: 'GET' });
    expect(elsewhere.status).toBe(404);
    const client = await connect();
    expect((await client.listTools()).tools.length).toBe(run.input.tools.length);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await simulator.stop()).toBe(0);
    expect(simulator.stderr()).toMatch(/serving over streamable HTTP/);
  });
});
