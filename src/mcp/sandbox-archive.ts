import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

type Entry =
  | { path: string; kind: 'dir'; mode: number }
  | { path: string; kind: 'file'; mode: number; data: string }
  | { path: string; kind: 'symlink'; target: string };

/**
 * A directory's files, folders and symlinks as one gzipped JSON value: small enough for a database
 * row, and the same bytes for the same tree (entries in path order, no times kept).
 */
export async function archiveDirectory(dir: string): Promise<Uint8Array> {
  const entries: Entry[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(dir, path);
      const stat = await lstat(full);
      if (stat.isSymbolicLink()) entries.push({ path, kind: 'symlink', target: await readlink(full) });
      else if (stat.isDirectory()) {
        entries.push({ path, kind: 'dir', mode: stat.mode & 0o777 });
        await walk(path);
      } else if (stat.isFile()) entries.push({ path, kind: 'file', mode: stat.mode & 0o777, data: (await readFile(full)).toString('base64') });
    }
  };
  await walk('');
  return gzipSync(JSON.stringify(entries));
}

/** Writes an archive's tree into `dir`, which must exist and be empty. */
export async function extractArchive(archive: Uint8Array, dir: string): Promise<void> {
  const entries = JSON.parse(gunzipSync(archive).toString('utf8')) as Entry[];
  for (const entry of entries) {
    const full = join(dir, entry.path);
    if (entry.kind === 'dir') await mkdir(full, { mode: entry.mode });
    else if (entry.kind === 'symlink') await symlink(entry.target, full);
    else {
      await writeFile(full, Buffer.from(entry.data, 'base64'));
      await chmod(full, entry.mode);
    }
  }
}
