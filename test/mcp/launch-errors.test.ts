import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerLaunchError } from '../../src/mcp/errors.js';
import { parseServerSpec } from '../../src/mcp/spec.js';
import { processExists, sandboxes, type Sandboxes } from './helpers.js';

describe('launch failures', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it('command-not-found: names the command, not retryable', async () => {
    const spec = parseServerSpec({ name: 'missing', command: 'firefly-no-such-command' });
    const error = await launchError(boxes, spec);
    expect(error).toMatchObject({ kind: 'command-not-found', retryable: false });
    expect(error.message).toMatch(/"firefly-no-such-command" was not found.*fix server\.command/);
  });

  it('exited: gives the exit code and what the server said, not retryable', async () => {
    const spec = parseServerSpec({ name: 'quits', command: 'node', args: ['-e', 'console.error("no config file"); process.exit(3)'] });
    const error = await launchError(boxes, spec);
    expect(error).toMatchObject({ kind: 'exited', retryable: false, exitCode: 3 });
    expect(error.message).toMatch(/exited with code 3/);
    expect(error.stderrTail).toContain('no config file');
  });

  it('startup-timeout: a process that never answers is ended, and the error is retryable', async () => {
    const spec = parseServerSpec({
      name: 'silent',
      command: 'node',
      args: ['-e', 'require("fs").writeFileSync("pid", String(process.pid)); setInterval(() => {}, 1000)'],
      startupTimeoutMs: 500,
    });
    const error = await launchError(boxes, spec, 'silent');
    expect(error).toMatchObject({ kind: 'startup-timeout', retryable: true });
    expect(error.message).toMatch(/within 500 ms/);
    const pid = Number(await readFile(join(boxes.root, 'run', 'silent', 'pid'), 'utf8'));
    expect(processExists(pid)).toBe(false);
  });

  it('connect-failed: nothing listens at the URL, retryable', async () => {
    const spec = parseServerSpec({ name: 'gone', url: `http://127.0.0.1:${await closedPort()}/mcp`, startupTimeoutMs: 5_000 });
    const error = await launchError(boxes, spec);
    expect(error).toMatchObject({ kind: 'connect-failed', retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

async function launchError(boxes: Sandboxes, spec: Parameters<Sandboxes['open']>[0], episodeKey?: string): Promise<ServerLaunchError> {
  const error = await boxes.open(spec, episodeKey ? { episodeKey } : {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerLaunchError);
  return error as ServerLaunchError;
}

/** A loopback port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
