// The dev server the global setup started, as temporal-dev.sh promises it: long retention,
// FireFly's search attributes, an idempotent `start`, and independent extra servers.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const devScript = fileURLToPath(new URL('../../temporal-dev.sh', import.meta.url));
const cli = inject('temporalCli');
const address = inject('temporalAddress');

const THIRTY_DAYS_S = 30 * 24 * 3600;
const SEARCH_ATTRIBUTES = {
  FireflyStage: 'INDEXED_VALUE_TYPE_KEYWORD',
  FireflyServer: 'INDEXED_VALUE_TYPE_KEYWORD',
  FireflySubDagsTotal: 'INDEXED_VALUE_TYPE_INT',
  FireflySubDagsDone: 'INDEXED_VALUE_TYPE_INT',
  FireflyCalls: 'INDEXED_VALUE_TYPE_INT',
};

async function temporalJson<T>(args: string[], at: string): Promise<T> {
  const { stdout } = await run(cli, [...args, '--address', at, '--namespace', 'default', '--output', 'json']);
  return JSON.parse(stdout) as T;
}

async function retentionSeconds(at = address): Promise<number> {
  type Described = { config: { workflowExecutionRetentionTtl: string } }; // e.g. "2592000s"
  const described = await temporalJson<Described>(['operator', 'namespace', 'describe'], at);
  return Number.parseInt(described.config.workflowExecutionRetentionTtl, 10);
}

async function customSearchAttributes(at = address): Promise<Record<string, string>> {
  type Listed = { customAttributes?: Record<string, string> }; // absent when there are none
  return (await temporalJson<Listed>(['operator', 'search-attribute', 'list'], at)).customAttributes ?? {};
}

/** Runs temporal-dev.sh; resolves with its exit code and output instead of throwing. */
async function devServer(command: string, env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout } = await run('bash', [devScript, command], { env: { ...process.env, ...env } });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the shared dev server', () => {
  it('keeps closed runs for at least 30 days', async () => {
    expect(await retentionSeconds()).toBeGreaterThanOrEqual(THIRTY_DAYS_S);
  });

  it('has the FireFly search attributes with their types', async () => {
    expect(await customSearchAttributes()).toMatchObject(SEARCH_ATTRIBUTES);
  });

  it('is reported, not restarted, by a second start', async () => {
    const before = await devServer('status');
    const again = await devServer('start');
    const after = await devServer('status');

    expect(before.code).toBe(0);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already running at ${address}`);
    expect(after.stdout).toBe(before.stdout); // same address, UI and pid
    expect(again.stdout).toContain(before.stdout.match(/\(pid [^)]*\)/)?.[0]);
  });
});

describe('a second, independent dev server', () => {
  const dataDirs: string[] = [];
  const stops: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts on its own ports and data dir, and keeps its setup across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'firefly-temporal-'));
    dataDirs.push(dataDir);
    const port = await freePort();
    const env = {
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
      FIREFLY_DATA_DIR: dataDir,
    };
    const other = `127.0.0.1:${port}`;
    stops.push(() => devServer('stop', env));

    const first = await devServer('start', env);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toContain(`started at ${other}`);

    expect((await devServer('stop', env)).stdout).toContain('stopped');
    expect((await devServer('status', env)).code).toBe(1);

    const second = await devServer('start', env);
    expect(second.code, second.stdout).toBe(0);
    expect(await retentionSeconds(other)).toBeGreaterThanOrEqual(THIRTY_DAYS_S);
    expect(await customSearchAttributes(other)).toMatchObject(SEARCH_ATTRIBUTES);
    expect((await devServer('status')).code).toBe(0); // the shared server is untouched
  });
});
