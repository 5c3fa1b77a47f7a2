import { createHash } from 'node:crypto';
import { mkdir, realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Makes `<root>/<runId>/<episodeKey>`, the state directory of one episode's server instance, and
 * returns its real absolute path (servers report real paths, so ours should match theirs).
 * It is emptied unless `reuse` is set: an episode resumed after a crash must see the state its
 * earlier calls left behind.
 */
export async function prepareSandbox(root: string, runId: string, episodeKey: string, options: { reuse: boolean }): Promise<string> {
  const dir = join(resolve(root), safeComponent(runId, 'runId'), safeComponent(episodeKey, 'episodeKey'));
  if (!options.reuse) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return realpath(dir);
}

/**
 * One path component that cannot escape the root. When characters had to be replaced, a hash of the
 * original is appended so that, say, "a/b" and "a_b" still get different directories.
 */
function safeComponent(value: string, name: string): string {
  if (value === '') throw new RangeError(`prepareSandbox: ${name} is empty: pass the run or episode identifier`);
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length)).slice(0, 80);
  if (cleaned === value) return value;
  return `${cleaned}-${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}
