import type { RuntimeConfig } from '../config.js';
import { PostgresStore, withoutPassword } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** The shared store could not be reached or entered: the worker must not start without it. */
export class StoreConnectError extends Error {
  override name = 'StoreConnectError';
}

/** The store a config names: PostgreSQL when FIREFLY_STORE_URL is set, else the embedded SQLite file. */
export async function openStore(config: Pick<RuntimeConfig, 'storePath' | 'storeUrl'>): Promise<Store> {
  if (!config.storeUrl) return new SqliteStore(config.storePath);
  try {
    return await PostgresStore.open(config.storeUrl);
  } catch (error) {
    const reason = reasonOf(error);
    throw new StoreConnectError(
      `FIREFLY_STORE_URL (${withoutPassword(config.storeUrl)}): cannot open the PostgreSQL store: ${reason}. ` +
        'Check that the server runs and that the host, port, user, password and database in the URL are right.',
      { cause: error },
    );
  }
}

/** The driver's reason; a refused connection tried on several addresses comes as an AggregateError with no message of its own. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name;
  return String(error);
}
