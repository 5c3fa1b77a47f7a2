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
  /** Activities of the LLM task queue this worker runs at once: the cap on a worker's model work. */
  llmActivitySlots: number;
  /** Activities started per second on the LLM task queue across all its workers (the server enforces it). */
  llmActivitiesPerSecond?: number;
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
    llmActivitySlots: positiveNumber(env, 'FIREFLY_LLM_ACTIVITY_SLOTS', true) ?? 8,
    ...optional('llmActivitiesPerSecond', positiveNumber(env, 'FIREFLY_LLM_ACTIVITIES_PER_SECOND')),
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, integer = false): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} is ${JSON.stringify(raw)}: set it to a positive ${integer ? 'whole ' : ''}number, or unset it for the default`);
  }
  return value;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
