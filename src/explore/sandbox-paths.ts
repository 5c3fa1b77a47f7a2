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

export function withSandbox<T>(value: T, sandboxDir: string): T {
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

/**
 * The sandbox's name in everything an agent sees: dataset rows, prompts, the simulator's and the
 * environment's tools and results. A placeholder is no path a model should learn to write; one
 * stable root is, and it is mapped back to `${sandbox}` before a recording is looked up.
 */
export const AGENT_WORKSPACE = '/workspace';

/** Any JSON-shaped value (a result, a tool definition, a text) with `${sandbox}` written as the stable root. */
export function toAgentPaths<T>(value: T): T {
  return withSandbox(value, AGENT_WORKSPACE);
}

/** A simulator's answer as the agent reads it. */
export function agentAnswer<A extends { result: JsonValue }>(answer: A): A {
  return { ...answer, result: toAgentPaths(answer.result) };
}

/**
 * The recorded form of what an agent sent: `/workspace` where it begins a path (at the start of a
 * string or after a space, quote, `=` or `:`, and followed by `/` or the path's end, a sentence's
 * full stop included), so that a
 * name that merely contains the word (`/srv/workspace`, `/workspaces`) stays as it is.
 */
export function fromAgentPaths<T extends JsonValue>(value: T): T {
  const text = JSON.stringify(value);
  if (!text.includes(AGENT_WORKSPACE)) return value;
  return JSON.parse(text.replace(AGENT_ROOT_IN_JSON, `$1${SANDBOX_PLACEHOLDER}`)) as T;
}

const AGENT_ROOT_IN_JSON = new RegExp(`(^|["\\s=:'(])${AGENT_WORKSPACE.replace(/[/.]/g, '\\$&')}(?=/|["\\s'),;:]|\\.["\\s]|\\\\[nt"])`, 'g');
