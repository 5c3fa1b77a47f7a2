import { createHash } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Nine alphanumerics: the one id shape every trainer accepts (Mistral's templates insist on it). */
export const CALL_ID_LENGTH = 9;
export const CALL_ID_PATTERN = /^[a-zA-Z0-9]{9}$/;

/**
 * The id of a trajectory step's call, the same in every file of a dataset: base62 of a hash of the
 * task id and the step, so a re-export gives the same ids and a reader can join files on them.
 */
export function callId(taskId: string, step: number, attempt = 0): string {
  const digest = createHash('sha256').update(attempt === 0 ? `${taskId}/${step}` : `${taskId}/${step}#${attempt}`).digest();
  let n = digest.readBigUInt64BE(0);
  let id = '';
  for (let i = 0; i < CALL_ID_LENGTH; i++) {
    id += ALPHABET[Number(n % 62n)];
    n /= 62n;
  }
  return id;
}

/** One id per step; the rare hash collision within a task is resolved by rehashing, still deterministically. */
export function callIdsFor(taskId: string, steps: number): string[] {
  const ids: string[] = [];
  for (let step = 0; step < steps; step++) {
    let attempt = 0;
    let id = callId(taskId, step);
    while (ids.includes(id)) id = callId(taskId, step, ++attempt);
    ids.push(id);
  }
  return ids;
}
