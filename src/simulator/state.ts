import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../domain.js';
import { canonicalArguments } from './canonical.js';

/**
 * State-aware keys. A stateful server answers the same read differently before and after a write,
 * so the simulator keys every recorded call by the episode state it was made in: a hash chained
 * over the episode's earlier state-changing calls (setup calls included).
 *
 *   INITIAL_STATE = ''
 *   next = first 32 hex digits of sha256(previous + "\0" + tool + "\0" + canonicalArguments(args))
 *
 * NUL separates the parts because canonical JSON never holds a raw NUL (JSON escapes it) and
 * neither do state keys (hex) or MCP tool names, so the hashed text is unambiguous. 128 bits keep
 * the cache file small and collisions out of reach for any realistic number of episodes.
 */
export const INITIAL_STATE = '';
const STATE_HEX_DIGITS = 32;

export function nextState(previous: string, tool: string, canonical: string): string {
  return createHash('sha256').update(`${previous}\0${tool}\0${canonical}`).digest('hex').slice(0, STATE_HEX_DIGITS);
}

/**
 * Whether calls to a tool can change server state: every tool except those annotated
 * `readOnlyHint: true`. Annotations are hints, so an unannotated tool is assumed to write (the
 * MCP default for readOnlyHint is false), and a tool the cache does not know is assumed to write too.
 */
export function changesState(tool: Pick<ToolDefinition, 'annotations'> | undefined): boolean {
  return tool?.annotations?.readOnlyHint !== true;
}

/** The state after a call: advanced only by a state-changing tool whose call did not fail. */
export function stateAfter(previous: string, call: { tool: string; canonical: string; isError: boolean }, writes: boolean): string {
  return writes && !call.isError ? nextState(previous, call.tool, call.canonical) : previous;
}

/** The exact-match key of a call: (tool, canonical arguments, state before the call). */
export function exactKey(tool: string, canonical: string, state: string): string {
  return `${tool}\0${state}\0${canonical}`;
}

/** Walks a call sequence from INITIAL_STATE and returns the state before each call. */
export function statesBefore(
  calls: ReadonlyArray<{ tool: string; arguments: Parameters<typeof canonicalArguments>[0]; isError: boolean }>,
  tools: ReadonlyMap<string, Pick<ToolDefinition, 'annotations'>>,
): string[] {
  let state = INITIAL_STATE;
  return calls.map((call) => {
    const before = state;
    state = stateAfter(state, { tool: call.tool, canonical: canonicalArguments(call.arguments), isError: call.isError }, changesState(tools.get(call.tool)));
    return before;
  });
}
