import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorCache } from '../../src/simulator/cache.js';
import { serveHttp, type HttpServing } from '../../src/simulator/serve-http.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { handMadeInput } from '../unit/simulator/fixtures.js';

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } } };
const ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function initialize(url: string, headers: Record<string, string> = {}): Promise<{ status: number; session: string | null }> {
  const response = await fetch(url, { method: 'POST', headers: { ...ACCEPT, ...headers }, body: JSON.stringify(INITIALIZE) });
  await response.text();
  return { status: response.status, session: response.headers.get('mcp-session-id') };
}

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('the HTTP simulator ends sessions', () => {
  let serving: HttpServing | undefined;
  afterEach(async () => {
    await serving?.close();
    serving = undefined;
  });
  const simulator = () => new Simulator(SimulatorCache.fromRecording(handMadeInput()));

  it('expires sessions abandoned without DELETE, and still accepts new ones', async () => {
    serving = await serveHttp(simulator(), { idleMs: 300, maxSessionsPerClient: 50 });
    for (let i = 0; i < 50; i++) expect((await initialize(serving.url)).status).toBe(200);
    expect(serving.sessionCount()).toBe(50);
    expect((await initialize(serving.url)).status).toBe(503);
    await until(() => serving!.sessionCount() === 0, 5_000);
    expect(serving.sessionCount()).toBe(0);
    const fresh = await initialize(serving.url);
    expect(fresh.status).toBe(200);
    // An expired session's id is gone: the client is told to start again.
    const stale = await fetch(serving.url, { method: 'POST', headers: { ...ACCEPT, 'mcp-session-id': 'no-such-session' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(stale.status).toBe(404);
  });

  it('keeps a session that is used alive past the idle time', async () => {
    serving = await serveHttp(simulator(), { idleMs: 400 });
    const { session } = await initialize(serving.url);
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const listed = await fetch(serving.url, { method: 'POST', headers: { ...ACCEPT, 'mcp-session-id': session!, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify({ jsonrpc: '2.0', id: i + 2, method: 'tools/list' }) });
      expect(listed.status).toBe(200);
      await listed.text();
    }
  });

  it('limits sessions per client, and a DELETE makes room again', async () => {
    serving = await serveHttp(simulator(), { maxSessionsPerClient: 3 });
    const opened = [await initialize(serving.url), await initialize(serving.url), await initialize(serving.url)];
    const refused = await fetch(serving.url, { method: 'POST', headers: ACCEPT, body: JSON.stringify(INITIALIZE) });
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/this client holds 3 open sessions/);
    const ended = await fetch(serving.url, { method: 'DELETE', headers: { 'mcp-session-id': opened[0]!.session!, 'mcp-protocol-version': '2025-06-18' } });
    expect(ended.status).toBe(200);
    await until(() => serving!.sessionCount() === 2, 2_000);
    expect((await initialize(serving.url)).status).toBe(200);
  });

  it('refuses a request whose Origin is another site, and takes loopback origins', async () => {
    serving = await serveHttp(simulator());
    const evil = await fetch(serving.url, { method: 'POST', headers: { ...ACCEPT, origin: 'https://evil.example' }, body: JSON.stringify(INITIALIZE) });
    expect(evil.status).toBe(403);
    expect(await evil.text()).toMatch(/Origin https:\/\/evil\.example refused/);
    expect(serving.sessionCount()).toBe(0);
    expect((await initialize(serving.url, { origin: 'http://localhost:6274' })).status).toBe(200);
    expect((await initialize(serving.url, { origin: `http://127.0.0.1:${serving.port}` })).status).toBe(200);
  });
});
