import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/domain.js';
import { SANDBOX_PLACEHOLDER, withPlaceholder, withSandbox } from '../../../src/explore/sandbox-paths.js';

describe('sandbox paths', () => {
  let root: string;
  /** A real directory, and a symlink to it whose path is the real one plus a suffix. */
  let real: string;
  let link: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'firefly-sandbox-paths-')));
    real = join(root, 'sandbox');
    link = join(root, 'sandbox-link');
    await mkdir(real);
    await symlink(real, link, 'dir');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the sandbox as ${sandbox} wherever it appears, keys and nested strings included', () => {
    const result: JsonObject = {
      content: [{ type: 'text', text: `Wrote ${real}/notes.txt and ${real}/b.txt` }],
      structuredContent: { files: [`${real}/notes.txt`], [`${real}/index`]: 1 },
    };
    expect(withPlaceholder(result, real)).toEqual({
      content: [{ type: 'text', text: 'Wrote ${sandbox}/notes.txt and ${sandbox}/b.txt' }],
      structuredContent: { files: ['${sandbox}/notes.txt'], '${sandbox}/index': 1 },
    });
  });

  it('turns ${sandbox} back into the real directory, and the two round-trip', () => {
    const recorded: JsonObject = { path: '${sandbox}/a.txt', paths: ['${sandbox}', 'elsewhere'], count: 2, ok: true };
    const live = withSandbox(recorded, real);
    expect(live).toEqual({ path: `${real}/a.txt`, paths: [real, 'elsewhere'], count: 2, ok: true });
    expect(withPlaceholder(live, real)).toEqual(recorded);
  });

  it('recognises both the symlinked spelling and the real path a server reports', () => {
    expect(withPlaceholder({ given: `${link}/a.txt`, reported: `${real}/a.txt` }, link)).toEqual({
      given: '${sandbox}/a.txt',
      reported: '${sandbox}/a.txt',
    });
    expect(withSandbox({ path: '${sandbox}/a.txt' }, link)).toEqual({ path: `${link}/a.txt` });
  });

  // The real path is a prefix of the link's path here: replacing it first would leave "${sandbox}-link".
  it('replaces the longer spelling first when one is a prefix of the other', () => {
    expect(withPlaceholder({ path: `${link}/a.txt` }, link)).toEqual({ path: '${sandbox}/a.txt' });
  });

  it('handles directory names that JSON must escape', async () => {
    const odd = join(root, 'quote " and \\ backslash');
    await mkdir(odd);
    const live: JsonObject = { path: `${odd}/file.txt`, text: `see "${odd}"` };
    const recorded = withPlaceholder(live, odd);
    expect(recorded).toEqual({ path: '${sandbox}/file.txt', text: 'see "${sandbox}"' });
    expect(withSandbox(recorded, odd)).toEqual(live);
  });

  it('still replaces the given spelling of a sandbox that no longer exists', () => {
    const gone = join(root, 'removed-sandbox');
    expect(withPlaceholder([`${gone}/x`], gone)).toEqual([`${SANDBOX_PLACEHOLDER}/x`]);
  });

  it('leaves values without the sandbox unchanged', () => {
    const value: JsonObject = { path: '/etc/hosts', nested: { list: [1, null, 'text'] } };
    expect(withPlaceholder(value, real)).toEqual(value);
    expect(withSandbox(value, real)).toEqual(value);
  });
});
