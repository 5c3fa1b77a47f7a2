/**
 * The FireFly worker: one process serving the workflows and activities on the `firefly` task queue,
 * and the activities of LLM runs on `firefly-llm`, whose slots (FIREFLY_LLM_ACTIVITY_SLOTS) and
 * start rate (FIREFLY_LLM_ACTIVITIES_PER_SECOND) cap model work apart from MCP work.
 * Run it with `npm run worker`; SIGINT or SIGTERM lets in-flight activities finish (within a grace
 * time) before it exits, and whatever they had not finished is retried on another worker.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type Activities } from './activities/index.js';
import { offlineActivityDeps } from './activities/offline-deps.js';
import { runtimeConfig, type RuntimeConfig } from './src/config.js';
import { llmTaskQueue } from './src/api.js';
import { connectionOptions } from './src/temporal-connection.js';
import { redactingLogger } from './src/secrets/redacting-logger.js';
import { patternRedactor } from './src/secrets/redactor.js';
import { openStore } from './src/store/open-store.js';
import type { Store } from './src/store/store.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface FireflyWorker {
  worker: Worker;
  /** The worker of the LLM task queue: activities only. */
  llmWorker: Worker;
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
  /** The environment activities read `${env:…}` placeholders and model keys from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Builds a worker from a runtime config; tests pass their own task queue and data directory. */
export async function createFireflyWorker(config: RuntimeConfig, extra: WorkerExtras = {}): Promise<FireflyWorker> {
  const store = await openStore(config);
  let connection: NativeConnection | undefined;
  let worker: Worker;
  let llmWorker: Worker;
  try {
    connection = await NativeConnection.connect(connectionOptions(config));
    const built = createActivities(offlineActivityDeps(config, store, extra.env));
    const activities = extra.wrapActivities ? extra.wrapActivities(built) : built;
    worker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      ...(extra.workflowBundle ? { workflowBundle: extra.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
      activities,
      shutdownGraceTime: '10 seconds',
    });
    llmWorker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: llmTaskQueue(config.taskQueue),
      activities,
      maxConcurrentActivityTaskExecutions: config.llmActivitySlots,
      ...(config.llmActivitiesPerSecond === undefined ? {} : { maxTaskQueueActivitiesPerSecond: config.llmActivitiesPerSecond }),
      shutdownGraceTime: '10 seconds',
    });
  } catch (error) {
    // Nothing runs yet: close what was opened, so that a bad address or bundle leaves no handle behind.
    await store.close();
    await connection?.close();
    throw error;
  }
  const opened = connection;
  // One stopping stops both: a worker half serving its run's activities would only stall it.
  const running = [worker, llmWorker].map((w) =>
    w.run().finally(() => {
      for (const other of [worker, llmWorker]) if (other.getState() === 'RUNNING') other.shutdown();
    }),
  );
  const done = Promise.allSettled(running).then(async (outcomes) => {
    await store.close();
    await opened.close();
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    worker,
    llmWorker,
    store,
    done,
    shutdown: async () => {
      for (const w of [worker, llmWorker]) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

async function main(): Promise<void> {
  // Every log line, the SDK's own (an activity's failure and its error) included, is redacted first.
  Runtime.install({ logger: redactingLogger(new DefaultLogger('INFO'), patternRedactor) });
  const config = runtimeConfig();
  const { done, store } = await createFireflyWorker(config);
  console.log(`firefly worker: task queues ${config.taskQueue} and ${llmTaskQueue(config.taskQueue)} on ${config.temporalAddress}, store ${store.location}`);
  await done;
  console.log('firefly worker: stopped');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error('firefly worker failed:', error);
    process.exit(1);
  });
}
