import { createHash } from 'node:crypto';

/**
 * One path component that cannot escape the root. When characters had to be replaced, a hash of the
 * original is appended so that, say, "a/b" and "a_b" still get different directories.
 */
export function safePathComponent(value: string, name: string): string {
  if (value === '') throw new RangeError(`${name} is empty: pass the run or episode identifier`);
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length)).slice(0, 80);
  if (cleaned === value) return value;
  return `${cleaned}-${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}
