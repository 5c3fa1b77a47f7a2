import { cp, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { safePathComponent } from '../safe-path.js';

/**
 * Makes `<root>/<runId>/<episodeKey>`, the state directory of one episode's server instance, and
 * returns its real absolute path (servers report real paths, so ours should match theirs).
 * It is emptied unless `reuse` is set: an episode resumed after a crash must see the state its
 * earlier calls left behind.
 */
export async function prepareSandbox(root: string, runId: string, episodeKey: string, options: { reuse: boolean }): Promise<string> {
  const dir = join(resolve(root), safePathComponent(runId, 'runId'), safePathComponent(episodeKey, 'episodeKey'));
  if (!options.reuse) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return realpath(dir);
}

/**
 * Keeps a copy of the sandbox as it is before step `step`'s call, beside it (never inside: the server
 * must not see it). Written aside and renamed into place, so a crash leaves the previous copy or
 * none, never half of one.
 */
export async function checkpointSandbox(dir: string, step: number): Promise<void> {
  const staging = `${dir}.checkpoint-staging`;
  await rm(staging, { recursive: true, force: true });
  await cp(dir, join(staging, 'state'), { recursive: true, verbatimSymlinks: true });
  await writeFile(join(staging, 'step'), String(step));
  await rm(checkpointDir(dir), { recursive: true, force: true });
  await rename(staging, checkpointDir(dir));
}

/**
 * Puts the sandbox back as it was before step `step`'s call, if that is the step of its checkpoint:
 * the server may have run that call before its reply was lost (it crashed, hung or answered
 * garbage, or the worker died), and asking again on the changed state would apply it twice. With no
 * checkpoint of that step, the call was never sent and the sandbox is already right. True when restored.
 */
export async function restoreSandbox(dir: string, step: number): Promise<boolean> {
  const saved = await readFile(join(checkpointDir(dir), 'step'), 'utf8').catch(() => undefined);
  if (saved !== String(step)) return false;
  await rm(dir, { recursive: true, force: true });
  await cp(join(checkpointDir(dir), 'state'), dir, { recursive: true, verbatimSymlinks: true });
  return true;
}

function checkpointDir(dir: string): string {
  return `${dir}.checkpoint`;
}
