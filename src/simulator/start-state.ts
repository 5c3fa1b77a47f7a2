import type { ToolDefinition } from '../domain.js';
import type { SetupCall } from '../mcp/spec.js';
import { canonicalArguments } from './canonical.js';
import { changesState, INITIAL_STATE, stateAfter } from './state.js';

/**
 * The state an episode starts in once its setup calls have run, each assumed to succeed (a setup
 * call that fails fails the run, so a recorded run's setup did succeed). A dataset of several runs
 * (a fleet's) has one such state per run; each task names its own.
 */
export function stateAfterSetup(setup: readonly SetupCall[], tools: ReadonlyMap<string, Pick<ToolDefinition, 'annotations'>>): string {
  let state = INITIAL_STATE;
  for (const call of setup) state = stateAfter(state, { tool: call.tool, canonical: canonicalArguments(call.arguments), isError: false }, changesState(tools.get(call.tool)));
  return state;
}
