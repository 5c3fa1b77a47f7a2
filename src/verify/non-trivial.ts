import type { JsonPrimitive } from '../domain.js';
import { appearsIn } from './appears-in.js';

/** Replies that report an action rather than a finding: anyone could guess them. */
const BOILERPLATE = /^(successfully|no (matches|results|items)|done\b|ok\b|created\b|deleted\b|updated\b|error\b)/i;

/**
 * Whether a value had to be discovered: not a status line, and not an echo of a value the
 * instruction already gives (such as "Successfully wrote to <the path you named>").
 */
export function isDiscovered(value: JsonPrimitive, givenValues: JsonPrimitive[]): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string' || BOILERPLATE.test(value.trim())) return false;
  return !givenValues.some((given) => typeof given === 'string' && given.trim().length >= 3 && appearsIn(given, value));
}
