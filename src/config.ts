import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: `${bin:…}` placeholders and the default data directory resolve from here. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a worker, the demo and the tests find Temporal and the store; each can be overridden by environment. */
export interface RuntimeConfig {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  storePath: string;
  sandboxRoot: string;
  /** Exported datasets, one directory per run. */
  datasetRoot: string;
}

export function runtimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const dataDir = resolve(PROJECT_ROOT, env.FIREFLY_DATA_DIR ?? 'data');
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT ?? '7233'}`,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.FIREFLY_TASK_QUEUE ?? 'firefly',
    dataDir,
    storePath: resolve(dataDir, env.FIREFLY_STORE ?? 'firefly.sqlite'),
    sandboxRoot: resolve(dataDir, 'sandboxes'),
    datasetRoot: resolve(dataDir, 'datasets'),
  };
}
