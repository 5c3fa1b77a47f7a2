import { realpathSync } from 'node:fs';
import type { JsonValue } from '../domain.js';

export const SANDBOX_PLACEHOLDER = '${sandbox}';

/**
 * Arguments and results are recorded with the episode's sandbox directory written as `${sandbox}`:
 * recorded calls then mean the same in every episode (the simulator's keys stay stable) and no
 * machine path leaks into a dataset. Before a call the placeholder is turned back into the real path.
 */
export function withPlaceholder<T extends JsonValue>(value: T, sandboxDir: string): T {
  let text = JSON.stringify(value);
  for (const dir of sandboxSpellings(sandboxDir)) text = text.split(jsonInner(dir)).join(SANDBOX_PLACEHOLDER);
  return JSON.parse(text) as T;
}

export function withSandbox<T extends JsonValue>(value: T, sandboxDir: string): T {
  return JSON.parse(JSON.stringify(value).split(SANDBOX_PLACEHOLDER).join(jsonInner(sandboxDir))) as T;
}

/** The directory as given and as the OS resolves it (servers often report real paths). */
function sandboxSpellings(dir: string): string[] {
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // A sandbox that no longer exists has only the spelling it was given.
  }
  return [...new Set([real, dir])].sort((a, b) => b.length - a.length);
}

/** How a string appears inside JSON text, without its quotes. */
function jsonInner(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
