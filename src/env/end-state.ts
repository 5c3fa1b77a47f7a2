import type { JsonObject, ToolDefinition } from '../domain.js';
import { canonicalArguments } from '../simulator/canonical.js';
import type { Simulator, SimulatorAnswer } from '../simulator/simulator.js';
import { changesState, nextState } from '../simulator/state.js';

/**
 * An episode's end state, as the reward compares it: the state-changing calls that took effect,
 * as a sorted list of `tool NUL canonical arguments` (a multiset, so any order of the same writes
 * reaches the same end state, as it does on a server whose writes commute).
 */
export type EndState = readonly string[];

/** What one call adds to the end state: nothing for a read or a refused call; its key for a write. */
export function writeOf(tool: ToolDefinition, args: JsonObject, answer: SimulatorAnswer): string | undefined {
  if (!changesState(tool) || answer.invalidArguments !== undefined) return undefined;
  // A recorded error changed nothing. A write with no recording (provenance none) may well have
  // changed the live server: it counts, so extra writes never reach the reference's end state.
  if (answer.isError && answer.provenance !== 'none') return undefined;
  return `${tool.name}\0${canonicalArguments(args)}`;
}

export function endStateOf(writes: readonly string[]): EndState {
  return [...writes].sort();
}

export function sameEndState(a: EndState, b: EndState): boolean {
  return a.length === b.length && a.every((write, i) => write === b[i]);
}

/**
 * The end state the reference trajectory reaches, walked through the recording synchronously:
 * each reference call is recorded in the state its predecessors left, so its error flag is known.
 */
export function referenceEndState(simulator: Simulator, start: string, calls: ReadonlyArray<{ tool: ToolDefinition; arguments: JsonObject }>): EndState {
  let state = start;
  const writes: string[] = [];
  for (const call of calls) {
    const canonical = canonicalArguments(call.arguments);
    const answer = simulator.answer(call.tool.name, canonical, { state, history: new Map() });
    const write = writeOf(call.tool, call.arguments, answer);
    if (write === undefined) continue;
    writes.push(write);
    state = nextState(state, call.tool.name, canonical);
  }
  return endStateOf(writes);
}
