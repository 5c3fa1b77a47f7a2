import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FileDigest } from './types.js';

/** sha256 and newline count of a file as written; `binary` files get no line count. */
export async function fileDigest(path: string, binary = false): Promise<FileDigest> {
  const bytes = await readFile(path);
  let lines = 0;
  if (!binary) for (const byte of bytes) if (byte === 0x0a) lines++;
  return { sha256: createHash('sha256').update(bytes).digest('hex'), lines: binary ? null : lines };
}

/** JSON Lines: one compact JSON value per line, each line ending with a newline (an empty file for no rows). */
export function jsonLines(rows: unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
