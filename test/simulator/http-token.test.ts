import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain.js';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';
import { simulateCommand, startHttpSimulator, withoutToken, type HttpSimulator } from './simulate-process.js';

const execFileAsync = promisify(execFile);
const TOKEN = 'test-token-0123456789abcdef';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'token-test', version: '1' } },
});

/** Runs `firefly simulate` to its exit (it must not start serving) and returns the exit code and stderr. */
async function runToExit(datasetDir: string, flags: string[], env: NodeJS.ProcessEnv = withoutToken(process.env)): Promise<{ code: number; stdout: string; stderr: string }> {
  const { command, args, cwd } = simulateCommand(datasetDir, ...flags);
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** An initialize POST with the given Authorization header (none when undefined). */
async function initializeWith(url: string, authorization?: string) {
  const response = await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...(authorization === undefined ? {} : { authorization }) }, body: INITIALIZE });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** The printed endpoint of a server bound to every interface, reached through this machine's loopback only. */
const viaLoopback = (url: string) => url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])/, 'http://127.0.0.1');

describe('firefly simulate --http: where it binds and the bearer token', () => {
  let run: RecordedRun;
  const started: HttpSimulator[] = [];
  const start = async (flags: string[], env?: NodeJS.ProcessEnv) => {
    const simulator = await startHttpSimulator(run.datasetDir, { flags, ...(env ? { env } : {}) });
    started.push(simulator);
    return simulator;
  };

  beforeAll(async () => {
    run = await recordMemoryRun();
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await run?.cleanup();
  });

  it('binds 127.0.0.1 and asks for no token by default', async () => {
    const simulator = await start([]);
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect((await initializeWith(simulator.url)).status).toBe(200);
    expect(simulator.stderr()).toMatch(/bound to 127\.0\.0\.1, no token \(loopback only\)/);
  });

  it.each([['0.0.0.0'], ['::']])('refuses to bind %s without a token: exit 2, naming --token, the variable and the fix', async (host) => {
    const { code, stdout, stderr } = await runToExit(run.datasetDir, ['--http', '--host', host]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`firefly: --host ${host} is not a loopback address`);
    expect(stderr).toMatch(/give --token T or set FIREFLY_SIMULATOR_TOKEN/);
    expect(stderr).toMatch(/--host 127\.0\.0\.1/);
    expect(stderr).not.toMatch(/serving over/);
  });

  it.each([
    [['--http', '--host', '0.0.0.0', '--token', 'short'], /--token is 5 characters: give at least 16/],
    [['--http', '--token', 'has spaces in it, sixteen+'], /--token has characters a bearer token cannot carry/],
    [['--token', TOKEN], /--token applies to HTTP only/],
  ])('refuses %j with exit 2', async (flags, message) => {
    const { code, stderr } = await runToExit(run.datasetDir, flags);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('refuses a too-short FIREFLY_SIMULATOR_TOKEN, naming the variable', async () => {
    const { code, stderr } = await runToExit(run.datasetDir, ['--http', '--host', '0.0.0.0'], { ...withoutToken(process.env), FIREFLY_SIMULATOR_TOKEN: 'abc' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/FIREFLY_SIMULATOR_TOKEN is 3 characters/);
  });

  it('bound to 0.0.0.0 with the token from the environment: 401 without it or with a wrong one, served with it', async () => {
    const simulator = await start(['--host', '0.0.0.0'], { ...withoutToken(process.env), FIREFLY_SIMULATOR_TOKEN: TOKEN });
    const url = viaLoopback(simulator.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ', TOKEN, `Basic ${TOKEN}`]) {
      const refused = await initializeWith(url, authorization);
      expect(refused.status, `Authorization: ${authorization}`).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(refused.headers.get('mcp-session-id')).toBeNull();
    }
    // Every request, whatever its path or method, needs the token.
    expect((await fetch(url.replace(/\/mcp$/, '/elsewhere'))).status).toBe(401);
    expect((await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': 'x' } })).status).toBe(401);

    const accepted = await initializeWith(url, `Bearer ${TOKEN}`);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('mcp-session-id')).toBeTruthy();
    expect((await initializeWith(url, `bearer ${TOKEN}`)).status).toBe(200);

    // An MCP client that sends the header works as against any server.
    const client = new Client({ name: 'token-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(run.input.tools.map((t) => t.name));
      const recorded = run.input.calls.find((c) => c.subDagIndex === 0 && c.phase === 'explore')!;
      const result = (await client.callTool({ name: recorded.tool, arguments: recorded.arguments })) as JsonObject;
      expect(result._meta).toMatchObject({ 'firefly/provenance': 'exact' });
    } finally {
      await client.close();
    }
    const output = simulator.stdout() + simulator.stderr();
    expect(output).not.toContain(TOKEN);
    expect(simulator.stderr()).toMatch(/bound to 0\.0\.0\.0, a bearer token required on every request/);
    expect(await simulator.stop()).toBe(0);
  });

  it('a client without the token gets a 401 error, not a session', async () => {
    const simulator = await start(['--host', '0.0.0.0', '--token', TOKEN]);
    const client = new Client({ name: 'token-test', version: '1' });
    const refused = await client.connect(new StreamableHTTPClientTransport(new URL(viaLoopback(simulator.url)))).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: number }).code).toBe(401);
    expect((refused as Error).message).toMatch(/missing or wrong bearer token: send Authorization: Bearer <token>/);
  });

  it('any 127.x address is loopback: 127.0.0.2 binds without a token, and enforces one when given', async () => {
    const open = await start(['--host', '127.0.0.2']);
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/mcp$/);
    expect((await initializeWith(open.url)).status).toBe(200);

    const guarded = await start(['--host', '127.0.0.2', '--token', TOKEN]);
    expect((await initializeWith(guarded.url)).status).toBe(401);
    expect((await initializeWith(guarded.url, `Bearer ${TOKEN}`)).status).toBe(200);
    // Bound to loopback, it still refuses a foreign Host header (DNS rebinding), token or not.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(guarded.url, { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${TOKEN}`, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(INITIALIZE);
    });
    expect(rebound).toBe(403);
  });
});
