import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SqliteStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'firefly-store-test-'));
  const path = join(dir, 'nested', 'firefly.sqlite');
  return {
    store: new SqliteStore(path),
    openOther: async () => new SqliteStore(path),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SqliteStore', () => {
  it('creates its directory and remembers where it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firefly-store-test-'));
    const path = join(dir, 'nested', 'firefly.sqlite');
    const store = new SqliteStore(path);
    try {
      expect(store.location).toBe(path);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
