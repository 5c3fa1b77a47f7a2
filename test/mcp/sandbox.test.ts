import { mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSandbox } from '../../src/mcp/sandbox.js';

describe('prepareSandbox', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-sandbox-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes <root>/<runId>/<episodeKey>, emptied unless reused', async () => {
    const dir = await prepareSandbox(root, 'run-1', 'sub-dag-3', { reuse: false });
    expect(dir.endsWith(join('run-1', 'sub-dag-3'))).toBe(true);
    await writeFile(join(dir, 'memory.jsonl'), '{}');
    expect(await readdir(await prepareSandbox(root, 'run-1', 'sub-dag-3', { reuse: true }))).toEqual(['memory.jsonl']);
    expect(await readdir(await prepareSandbox(root, 'run-1', 'sub-dag-3', { reuse: false }))).toEqual([]);
  });

  it('keeps hostile identifiers inside the root and apart from each other', async () => {
    const escaping = await prepareSandbox(root, '../..', '../../etc', { reuse: false });
    expect(escaping.startsWith(await realpath(root))).toBe(true);
    const slashed = await prepareSandbox(root, 'run', 'a/b', { reuse: false });
    const underscored = await prepareSandbox(root, 'run', 'a_b', { reuse: false });
    expect(slashed).not.toBe(underscored);
  });

  it('refuses an empty identifier', async () => {
    await expect(prepareSandbox(root, '', 'episode', { reuse: false })).rejects.toThrow(/runId is empty/);
  });
});

