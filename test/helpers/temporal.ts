import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { runtimeConfig, type RuntimeConfig } from '../../src/config.js';
import { withoutDefaultModelKey } from '../../src/llm/config.js';
import { connectionOptions } from '../../src/temporal-connection.js';
import { createFireflyWorker, WORKFLOWS_PATH, type FireflyWorker, type WorkerExtras } from '../../worker.js';

/**
 * A config of this test's own: the shared dev server, a unique task queue, a fresh data directory,
 * and the store FIREFLY_STORE_URL names if set (a suite run on PostgreSQL), else SQLite in that directory.
 */
export function isolatedConfig(label: string, address = inject('temporalAddress')): RuntimeConfig {
  const dataDir = mkdtempSync(join(tmpdir(), `firefly-${label}-`));
  return {
    ...runtimeConfig({ FIREFLY_DATA_DIR: dataDir, FIREFLY_STORE_URL: process.env.FIREFLY_STORE_URL }),
    temporalAddress: address,
    taskQueue: `test-${label}-${randomUUID().slice(0, 8)}`,
  };
}

export function uniqueId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Bundling takes seconds: do it once per test file and hand the bundle to every worker. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

export async function connect(config: RuntimeConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.namespace });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface TestWorkerContext {
  config: RuntimeConfig;
  worker: () => FireflyWorker;
  client: () => Client;
}

/**
 * Registers beforeAll/afterAll hooks that run an in-process worker on this file's own task queue
 * and data directory, with a client; the getters are valid inside tests.
 */
export function useTestWorker(label: string, extras: Omit<WorkerExtras, 'workflowBundle'> = {}): TestWorkerContext {
  const config = isolatedConfig(label);
  let worker: FireflyWorker | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    worker = await createFireflyWorker(config, { env: withoutDefaultModelKey(process.env), ...extras, workflowBundle: await bundleWorkflows() });
    client = await connect(config);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await client?.connection.close();
  });
  return {
    config,
    worker: () => worker ?? fail('the worker is not started yet'),
    client: () => client ?? fail('the client is not connected yet'),
  };
}

function fail(message: string): never {
  throw new Error(message);
}
