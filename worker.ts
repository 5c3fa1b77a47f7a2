/**
 * The FireFly worker: one process serving the workflows and activities on the `firefly` task queue.
 * Run it with `npm run worker`; SIGINT or SIGTERM lets in-flight activities finish (within a grace
 * time) before it exits, and whatever they had not finished is retried on another worker.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type Activities } from './activities/index.js';
import { offlineActivityDeps } from './activities/offline-deps.js';
import { runtimeConfig, type RuntimeConfig } from './src/config.js';
import { redactingLogger } from './src/secrets/redacting-logger.js';
import { patternRedactor } from './src/secrets/redactor.js';
import { SqliteStore } from './src/store/sqlite-store.js';
import type { Store } from './src/store/store.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface FireflyWorker {
  worker: Worker;
  store: Store;
  /** Stops polling, waits for in-flight work (within the grace time), closes the store and connection. */
  shutdown(): Promise<void>;
  /** Resolves when the worker has stopped, however it was stopped. */
  done: Promise<void>;
}

export interface WorkerExtras {
  /** A prebuilt workflow bundle (tests bundle once per file). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Wraps the activities, e.g. to inject a fault in a test. */
  wrapActivities?: (activities: Activities) => Activities;
}

/** Builds a worker from a runtime config; tests pass their own task queue and data directory. */
export async function createFireflyWorker(config: RuntimeConfig, extra: WorkerExtras = {}): Promise<FireflyWorker> {
  const store = new SqliteStore(config.storePath);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const activities = createActivities(offlineActivityDeps(config, store));
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...(extra.workflowBundle ? { workflowBundle: extra.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: extra.wrapActivities ? extra.wrapActivities(activities) : activities,
    shutdownGraceTime: '10 seconds',
  });
  const done = worker.run().finally(async () => {
    await store.close();
    await connection.close();
  });
  return {
    worker,
    store,
    done,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function main(): Promise<void> {
  // Every log line, the SDK's own (an activity's failure and its error) included, is redacted first.
  Runtime.install({ logger: redactingLogger(new DefaultLogger('INFO'), patternRedactor) });
  const config = runtimeConfig();
  const { done } = await createFireflyWorker(config);
  console.log(`firefly worker: task queue ${config.taskQueue} on ${config.temporalAddress}, store ${config.storePath}`);
  await done;
  console.log('firefly worker: stopped');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error('firefly worker failed:', error);
    process.exit(1);
  });
}
