import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointSandbox, prepareSandbox, restoreSandbox } from '../../src/mcp/sandbox.js';

// A server may run a call and lose its reply (it crashes, hangs or answers garbage; the worker dies):
// the call is asked again from the state before it, not applied twice.
describe('sandbox checkpoints', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-checkpoint-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts back the sandbox as it was before the step, nested files included', async () => {
    const dir = await prepareSandbox(root, 'run-1', 'sub-dag-0', { reuse: false });
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'todo.md'), 'before');
    await checkpointSandbox(dir, 3);
    // Step 3's call ran on the server, then its reply was lost.
    await writeFile(join(dir, 'notes', 'todo.md'), 'after');
    await writeFile(join(dir, 'created.txt'), 'by step 3');

    const resumed = await prepareSandbox(root, 'run-1', 'sub-dag-0', { reuse: true });
    expect(await restoreSandbox(resumed, 3)).toBe(true);
    expect(await readdir(resumed)).toEqual(['notes']);
    expect(await readFile(join(resumed, 'notes', 'todo.md'), 'utf8')).toBe('before');
    // Asked again and lost again: the same state once more.
    await writeFile(join(resumed, 'notes', 'todo.md'), 'after');
    expect(await restoreSandbox(resumed, 3)).toBe(true);
    expect(await readFile(join(resumed, 'notes', 'todo.md'), 'utf8')).toBe('before');
  });

  it('keeps the sandbox when the checkpoint is of another step: that step\'s call was never sent', async () => {
    const dir = await prepareSandbox(root, 'run-2', 'sub-dag-0', { reuse: false });
    await writeFile(join(dir, 'state.json'), '1');
    await checkpointSandbox(dir, 1);
    // Step 1 was recorded; the worker died before step 2's checkpoint.
    await writeFile(join(dir, 'state.json'), '2');
    expect(await restoreSandbox(dir, 2)).toBe(false);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe('2');
    // The next checkpoint replaces the last one.
    await checkpointSandbox(dir, 2);
    await writeFile(join(dir, 'state.json'), '3');
    expect(await restoreSandbox(dir, 2)).toBe(true);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe('2');
  });

  it('keeps the sandbox when there is no checkpoint, and keeps checkpoints out of the sandbox', async () => {
    const dir = await prepareSandbox(root, 'run-3', 'sub-dag-0', { reuse: false });
    await writeFile(join(dir, 'state.json'), '1');
    expect(await restoreSandbox(dir, 0)).toBe(false);
    await checkpointSandbox(dir, 0);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
