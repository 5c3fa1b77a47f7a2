import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTools } from '../../src/mcp/discover.js';
import { parseServerSpec } from '../../src/mcp/spec.js';
import { PROJECT_ROOT, sandboxes, type Sandboxes } from './helpers.js';

const EVERYTHING_BIN = join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const LISTEN_TIMEOUT_MS = 15_000;

describe('streamable HTTP transport (everything server in streamableHttp mode)', () => {
  let server: ChildProcess;
  let port: number;
  let boxes: Sandboxes;

  beforeAll(async () => {
    boxes = await sandboxes();
    port = await freePort();
    // The server reads its port from PORT; it logs every request to stdout, so that is ignored.
    server = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await listening(server, port);
  });

  afterAll(async () => {
    await boxes.cleanup();
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    }
  });

  it('lists the same 13 tools and calls them over HTTP', async () => {
    const spec = parseServerSpec({ name: 'everything-http', url: `http://127.0.0.1:${port}/mcp`, exclude: ['get-env'] });
    const { session } = await boxes.open(spec);
    const tools = await discoverTools(session);
    expect(tools).toHaveLength(13);
    const echo = await session.call('echo', { message: 'over http' });
    expect(echo).toMatchObject({ isError: false, result: { content: [{ type: 'text', text: 'Echo: over http' }] } });
    expect(await session.call('get-sum', {})).toMatchObject({ errorKind: 'is-error' });
    await session.close();
    expect(session.alive).toBe(false);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** Resolves once the server says it listens; fails fast if it exits or stays silent too long. */
function listening(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`everything server did not listen on ${port} within ${LISTEN_TIMEOUT_MS} ms: ${said}`)), LISTEN_TIMEOUT_MS);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (said.includes(`listening on port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`everything server exited with code ${code} before listening: ${said}`));
    });
  });
}
