import { mkdir, realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { safePathComponent } from '../safe-path.js';
import type { Store } from '../store/store.js';
import { archiveDirectory, extractArchive } from './sandbox-archive.js';

/**
 * Makes `<root>/<runId>/<episodeKey>`, the state directory of one episode's server instance, and
 * returns its real absolute path (servers report real paths, so ours should match theirs).
 * It is emptied unless `reuse` is set: then it keeps what earlier calls on this machine left there.
 * Episodes start empty and resume from their snapshot in the store (restoreSandbox), on any machine.
 */
export async function prepareSandbox(root: string, runId: string, episodeKey: string, options: { reuse: boolean }): Promise<string> {
  const dir = join(resolve(root), safePathComponent(runId, 'runId'), safePathComponent(episodeKey, 'episodeKey'));
  if (!options.reuse) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return realpath(dir);
}

/** Which episode a sandbox belongs to, as the store keys its snapshots. */
export interface SandboxOwner {
  store: Pick<Store, 'saveSandboxSnapshot' | 'getSandboxSnapshot'>;
  runId: string;
  subDagIndex: number;
}

/**
 * Keeps the sandbox as it is before step `nextStep`, in the store: a retry of the episode, on this
 * worker or any other that shares the store, resumes on these files.
 */
export async function snapshotSandbox(owner: SandboxOwner, dir: string, nextStep: number): Promise<void> {
  await owner.store.saveSandboxSnapshot(owner.runId, owner.subDagIndex, nextStep, await archiveDirectory(dir));
}

/**
 * Puts the (empty) sandbox back as it was before step `nextStep`: the latest snapshot taken at or
 * before that step. Snapshots are taken after every call that may change the sandbox, so no such
 * call lies between that snapshot and `nextStep`; a call the server ran before its reply was lost
 * (it crashed, hung or answered garbage, or the worker died) is not in it, so asking again does not
 * apply it twice. With no snapshot yet, the sandbox stays empty. True when restored.
 */
export async function restoreSandbox(owner: SandboxOwner, dir: string, nextStep: number): Promise<boolean> {
  const snapshot = await owner.store.getSandboxSnapshot(owner.runId, owner.subDagIndex, nextStep);
  if (!snapshot) return false;
  await extractArchive(snapshot.archive, dir);
  return true;
}
