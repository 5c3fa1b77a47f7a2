import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runtimeConfig } from '../../src/config.js';
import { openStore, StoreConnectError } from '../../src/store/open-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { freshSchema, testPostgresUrl } from '../helpers/postgres.js';
import { describeStoreContract } from '../unit/store/store-contract.js';

let baseUrl: string;
beforeAll(() => {
  baseUrl = testPostgresUrl();
});

describeStoreContract('PostgresStore', async () => {
  const schema = await freshSchema(baseUrl, 'contract');
  return {
    store: await PostgresStore.open(schema.url),
    openOther: () => PostgresStore.open(schema.url),
    cleanup: schema.drop,
  };
});

describe('PostgresStore migrations', () => {
  it('six workers starting at once on an empty database: each opens, the schema is applied once', async () => {
    const schema = await freshSchema(baseUrl, 'migrate');
    try {
      const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(schema.url)));
      await Promise.all(stores.map((store, i) => store.recordCall({
        runId: 'r', subDagIndex: 0, step: i, phase: 'explore', tool: 't', arguments: {}, result: {}, isError: false,
        latencyMs: 1, links: [], planner: 'offline',
      })));
      expect(await stores[0]!.listCalls('r')).toHaveLength(6);
      await Promise.all(stores.map((store) => store.close()));
      const again = await PostgresStore.open(schema.url);
      expect(await again.listCalls('r')).toHaveLength(6);
      await again.close();
    } finally {
      await schema.drop();
    }
  });

  it('shows its URL without the password', async () => {
    const store = await PostgresStore.open(baseUrl);
    try {
      const password = new URL(baseUrl).password;
      expect(store.location).not.toContain(`:${password}@`);
      expect(store.location).toContain(new URL(baseUrl).host);
    } finally {
      await store.close();
    }
  });
});

describe('a bad FIREFLY_STORE_URL', () => {
  it('of another scheme is refused by the config, naming the variable', () => {
    expect(() => runtimeConfig({ FIREFLY_STORE_URL: 'mysql://u:p@127.0.0.1/db' })).toThrow(/FIREFLY_STORE_URL has scheme "mysql:"/);
    expect(() => runtimeConfig({ FIREFLY_STORE_URL: 'not a url' })).toThrow(/FIREFLY_STORE_URL is not a URL/);
  });

  it('with nothing listening, or a wrong password, fails opening with the variable named and the password hidden', async () => {
    const refused = new URL(baseUrl);
    refused.port = '1';
    await expect(openStore({ storePath: '', storeUrl: refused.toString() })).rejects.toThrow(
      expect.objectContaining({ name: StoreConnectError.name, message: expect.stringMatching(/^FIREFLY_STORE_URL .*ECONNREFUSED/) }),
    );
    const wrongPassword = new URL(baseUrl);
    wrongPassword.password = 'not-the-password';
    const error = await openStore({ storePath: '', storeUrl: wrongPassword.toString() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConnectError);
    expect((error as Error).message).toMatch(/^FIREFLY_STORE_URL .*password authentication failed/);
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('stops the worker process at start, before it polls, with the variable named', async () => {
    const wrongPassword = new URL(baseUrl);
    wrongPassword.password = 'not-the-password';
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, 'worker.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, FIREFLY_STORE_URL: wrongPassword.toString(), FIREFLY_TASK_QUEUE: 'never-polled' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toContain('FIREFLY_STORE_URL');
    expect(output).toContain('password authentication failed');
    expect(output).not.toContain('firefly worker: task queues');
  });
});
