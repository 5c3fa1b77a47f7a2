import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSandbox, restoreSandbox, snapshotSandbox, type SandboxOwner } from '../../src/mcp/sandbox.js';
import { archiveDirectory } from '../../src/mcp/sandbox-archive.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

// A server may run a call and lose its reply (it crashes, hangs or answers garbage; the worker dies):
// the call is asked again from the state before it, not applied twice, on whichever worker retries.
describe('sandbox snapshots in the store', () => {
  let root: string;
  let store: SqliteStore;
  const owner = (runId: string): SandboxOwner => ({ store, runId, subDagIndex: 0 });
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-checkpoint-test-'));
    store = new SqliteStore(':memory:');
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('puts back the sandbox as it was before the step on another machine’s directory, nested files and links included', async () => {
    const dir = await prepareSandbox(join(root, 'worker-a'), 'run-1', 'sub-dag-0', { reuse: false });
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'todo.md'), 'before');
    await symlink('notes/todo.md', join(dir, 'latest'));
    await snapshotSandbox(owner('run-1'), dir, 3);
    // Step 3's call ran on the server, then its reply was lost.
    await writeFile(join(dir, 'notes', 'todo.md'), 'after');
    await writeFile(join(dir, 'created.txt'), 'by step 3');

    const elsewhere = await prepareSandbox(join(root, 'worker-b'), 'run-1', 'sub-dag-0', { reuse: false });
    expect(await restoreSandbox(owner('run-1'), elsewhere, 3)).toBe(true);
    expect((await readdir(elsewhere)).sort()).toEqual(['latest', 'notes']);
    expect(await readFile(join(elsewhere, 'notes', 'todo.md'), 'utf8')).toBe('before');
    expect((await lstat(join(elsewhere, 'latest'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(elsewhere, 'latest'))).toBe('notes/todo.md');
  });

  it('resumes a later step on the latest snapshot before it: the calls between were read-only', async () => {
    const dir = await prepareSandbox(root, 'run-2', 'sub-dag-0', { reuse: false });
    await writeFile(join(dir, 'state.json'), '1');
    await snapshotSandbox(owner('run-2'), dir, 2);
    await writeFile(join(dir, 'state.json'), '2');
    await snapshotSandbox(owner('run-2'), dir, 4);
    for (const [step, expected] of [[2, '1'], [3, '1'], [4, '2'], [7, '2']] as const) {
      const fresh = await prepareSandbox(root, 'run-2', 'sub-dag-0', { reuse: false });
      expect(await restoreSandbox(owner('run-2'), fresh, step)).toBe(true);
      expect(await readFile(join(fresh, 'state.json'), 'utf8')).toBe(expected);
    }
  });

  it('leaves the sandbox empty before the first snapshot, and archives the same tree to the same bytes', async () => {
    const dir = await prepareSandbox(root, 'run-3', 'sub-dag-0', { reuse: false });
    expect(await restoreSandbox(owner('run-3'), dir, 1)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    await writeFile(join(dir, 'b.json'), '2');
    await writeFile(join(dir, 'a.json'), '1');
    const copy = await prepareSandbox(root, 'run-3', 'copy', { reuse: false });
    await writeFile(join(copy, 'a.json'), '1');
    await writeFile(join(copy, 'b.json'), '2');
    expect(Buffer.from(await archiveDirectory(dir)).equals(Buffer.from(await archiveDirectory(copy)))).toBe(true);
  });
});
