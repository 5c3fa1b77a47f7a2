import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporalAccess, type TemporalAccess } from './temporal-connection.js';

/** The project root: `${bin:…}` placeholders and the default data directory resolve from here. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a worker, the demo and the tests find Temporal and the store; each can be overridden by environment. */
export interface RuntimeConfig extends TemporalAccess {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  /** The embedded store's file, used when no `storeUrl` is set. */
  storePath: string;
  /** A shared PostgreSQL store (`postgres://…`, from FIREFLY_STORE_URL): what workers on several machines write to. */
  storeUrl?: string;
  sandboxRoot: string;
  /** Exported datasets, one directory per run (FIREFLY_DATASETS_DIR: a shared path when workers are on several machines). */
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
    ...temporalAccess(env),
    taskQueue: env.FIREFLY_TASK_QUEUE ?? 'firefly',
    dataDir,
    storePath: resolve(dataDir, env.FIREFLY_STORE ?? 'firefly.sqlite'),
    ...optional('storeUrl', postgresUrl(env)),
    sandboxRoot: resolve(dataDir, 'sandboxes'),
    datasetRoot: env.FIREFLY_DATASETS_DIR ? resolve(PROJECT_ROOT, env.FIREFLY_DATASETS_DIR) : resolve(dataDir, 'datasets'),
    llmActivitySlots: positiveNumber(env, 'FIREFLY_LLM_ACTIVITY_SLOTS', true) ?? 8,
    ...optional('llmActivitiesPerSecond', positiveNumber(env, 'FIREFLY_LLM_ACTIVITIES_PER_SECOND')),
  };
}

const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];

/** FIREFLY_STORE_URL, checked for its form only: whether it answers is for the store to find out at start. */
function postgresUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.FIREFLY_STORE_URL;
  if (raw === undefined || raw === '') return undefined;
  let scheme: string;
  try {
    scheme = new URL(raw).protocol;
  } catch {
    throw new RangeError(`FIREFLY_STORE_URL is not a URL: set it to postgres://user:password@host:port/database, or unset it for the embedded SQLite store`);
  }
  if (!POSTGRES_SCHEMES.includes(scheme)) {
    throw new RangeError(`FIREFLY_STORE_URL has scheme ${JSON.stringify(scheme)}: only postgres:// (or postgresql://) is supported; unset it for the embedded SQLite store`);
  }
  return raw;
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
