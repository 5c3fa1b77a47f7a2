import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpSession } from '../../src/mcp/session.js';
import { exampleSpec, sandboxes, type Sandboxes } from './helpers.js';

const SECRET = 'the neighbouring episode wrote this';

/** The text of a result, error or not, to check what did (or did not) come back. */
function text(result: unknown): string {
  return JSON.stringify(result);
}

/**
 * The filesystem server started the way every episode starts it (examples/filesystem.json, a fresh
 * sandbox as its only allowed directory and as its cwd) sees that sandbox and nothing else.
 */
describe('the filesystem server sees only its sandbox', () => {
  let boxes: Sandboxes;
  let session: McpSession;
  let own: string;
  let sibling: string;

  beforeAll(async () => {
    boxes = await sandboxes();
    const spec = await exampleSpec('filesystem');
    // The sibling is another episode of the same run: same parent directory, its own state.
    sibling = (await boxes.open(spec, { episodeKey: 'sub-dag-1' })).sandboxDir;
    await writeFile(join(sibling, 'secret.txt'), SECRET);
    ({ session, sandboxDir: own } = await boxes.open(spec, { episodeKey: 'sub-dag-0' }));
    await writeFile(join(own, 'notes.txt'), 'inside the sandbox');
  });
  afterAll(() => boxes.cleanup());

  it('reads a file inside the sandbox', async () => {
    const outcome = await session.call('read_text_file', { path: join(own, 'notes.txt') });
    expect(outcome.isError).toBe(false);
    expect(text(outcome.result)).toContain('inside the sandbox');
    const allowed = await session.call('list_allowed_directories', {});
    expect(text(allowed.result)).toContain(own);
    expect(text(allowed.result)).not.toContain(sibling);
  });

  it.each([
    { label: 'an absolute path outside (/etc/hostname)', path: () => '/etc/hostname' },
    { label: 'a file of a sibling sandbox', path: () => join(sibling, 'secret.txt') },
    { label: 'a path escaping with ../', path: () => `${own}/../sub-dag-1/secret.txt` },
    { label: 'a relative path escaping the cwd', path: () => '../sub-dag-1/secret.txt' },
  ])('refuses $label', async ({ path }) => {
    const outcome = await session.call('read_text_file', { path: path() });
    expect(outcome.isError).toBe(true);
    expect(text(outcome.result)).toMatch(/Access denied/);
    expect(text(outcome.result)).not.toContain(SECRET);
  });

  it('refuses a symlink inside the sandbox that points outside it', async () => {
    await symlink(join(sibling, 'secret.txt'), join(own, 'link.txt'));
    const outcome = await session.call('read_text_file', { path: join(own, 'link.txt') });
    expect(outcome.isError).toBe(true);
    expect(text(outcome.result)).not.toContain(SECRET);
  });

  it('refuses to write outside the sandbox, and nothing is written there', async () => {
    const planted = join(sibling, 'planted.txt');
    const outcome = await session.call('write_file', { path: planted, content: 'should never land' });
    expect(outcome.isError).toBe(true);
    expect(existsSync(planted)).toBe(false);
    expect(await readFile(join(sibling, 'secret.txt'), 'utf8')).toBe(SECRET);
  });
});
