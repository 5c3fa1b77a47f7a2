import { access, rename, rm } from 'node:fs/promises';

/**
 * Writing a dataset beside the one it replaces: `write` fills a staging directory, which is swapped
 * in only once it is complete. A crash while writing leaves the old dataset as it was (and a
 * staging directory the next export clears); a crash between the two renames of the swap leaves
 * the old one at `<dir>.previous`, which the next export puts back before anything else.
 */
export async function replaceDirectory<T>(dir: string, write: (staging: string) => Promise<T>): Promise<T> {
  const staging = `${dir}.staging`;
  const previous = `${dir}.previous`;
  if (!(await exists(dir)) && (await exists(previous))) await rename(previous, dir);
  await rm(staging, { recursive: true, force: true });
  const result = await write(staging);
  await rm(previous, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, previous);
  await rename(staging, dir);
  await rm(previous, { recursive: true, force: true });
  return result;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
