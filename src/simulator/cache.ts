import type { RecordedCall, ToolDefinition } from '../domain.js';
import type { SetupCall } from '../mcp/spec.js';
import { canonicalArguments } from './canonical.js';
import { CacheEntry, compareSources } from './cache-entry.js';
import { changesState, exactKey, INITIAL_STATE, stateAfter } from './state.js';

/** Everything a run recorded that the simulator needs. */
export interface SimulatorCacheInput {
  /** The server spec's name. */
  server: string;
  tools: ToolDefinition[];
  /** The spec's setup calls, as written (placeholders unresolved, as they are recorded). */
  setup: SetupCall[];
  /** Every recorded call of the run: all episodes, the probe episode (sub-DAG -1) included. */
  calls: RecordedCall[];
}

/** A cache's contents once every call carries its state: what the cache file stores. */
export interface SimulatorCacheParts {
  server: string;
  tools: readonly ToolDefinition[];
  setup: readonly SetupCall[];
  entries: readonly CacheEntry[];
}

/**
 * The recorded calls of a run, indexed for replay: an exact index on (tool, canonical arguments,
 * state before the call), a state-blind one on (tool, canonical arguments), and per-tool lists for
 * retrieval. Where several recordings share a key, the first by (sub-DAG, step) answers, so the
 * same cache always gives the same answer.
 */
export class SimulatorCache {
  readonly server: string;
  readonly tools: readonly ToolDefinition[];
  readonly setup: readonly SetupCall[];
  /** Sorted by (sub-DAG, step, run). */
  readonly entries: readonly CacheEntry[];
  /** The state an episode starts in: after the setup calls (see initialStateOf). */
  readonly initialState: string;

  private readonly toolsByName = new Map<string, ToolDefinition>();
  private readonly exactIndex = new Map<string, CacheEntry>();
  private readonly argumentIndex = new Map<string, CacheEntry>();
  private readonly byTool = new Map<string, CacheEntry[]>();
  private readonly parents = new Map<string, string>();

  constructor(parts: SimulatorCacheParts) {
    this.server = parts.server;
    this.tools = parts.tools;
    this.setup = parts.setup;
    this.entries = [...parts.entries].sort((a, b) => compareSources(a.source, b.source));
    parts.tools.forEach((tool, i) => {
      if (this.toolsByName.has(tool.name)) {
        throw new TypeError(`SimulatorCache: tools[${i}].name "${tool.name}" is listed twice: give each tool once`);
      }
      this.toolsByName.set(tool.name, tool);
    });
    for (const entry of this.entries) {
      const key = exactKey(entry.tool, entry.canonical, entry.state);
      if (!this.exactIndex.has(key)) this.exactIndex.set(key, entry);
      const blind = exactKey(entry.tool, entry.canonical, '');
      if (!this.argumentIndex.has(blind)) this.argumentIndex.set(blind, entry);
      const list = this.byTool.get(entry.tool);
      if (list) list.push(entry);
      else this.byTool.set(entry.tool, [entry]);
      if (entry.stateAfter !== entry.state && !this.parents.has(entry.stateAfter)) this.parents.set(entry.stateAfter, entry.state);
    }
    this.initialState = initialStateOf(this);
  }

  /** Builds the cache from a run's record: each episode walked in step order to give every call its state. */
  static fromRecording(input: SimulatorCacheInput): SimulatorCache {
    const tools = new Map(input.tools.map((t) => [t.name, t]));
    const episodes = new Map<string, RecordedCall[]>();
    for (const call of input.calls) {
      const key = JSON.stringify([call.runId, call.subDagIndex]);
      const list = episodes.get(key);
      if (list) list.push(call);
      else episodes.set(key, [call]);
    }
    const entries: CacheEntry[] = [];
    for (const calls of episodes.values()) {
      let state = INITIAL_STATE;
      for (const call of [...calls].sort((a, b) => a.step - b.step)) {
        const canonical = canonicalArguments(call.arguments);
        const after = stateAfter(state, { tool: call.tool, canonical, isError: call.isError }, changesState(tools.get(call.tool)));
        entries.push(
          new CacheEntry({
            tool: call.tool,
            canonical,
            argumentsJson: JSON.stringify(call.arguments),
            state,
            stateAfter: after,
            resultJson: JSON.stringify(call.result),
            isError: call.isError,
            phase: call.phase,
            source: { runId: call.runId, subDagIndex: call.subDagIndex, step: call.step },
          }),
        );
        state = after;
      }
    }
    return new SimulatorCache({ server: input.server, tools: input.tools, setup: input.setup, entries });
  }

  tool(name: string): ToolDefinition | undefined {
    return this.toolsByName.get(name);
  }

  /** The recording that answers (tool, canonical arguments) in `state`, if any. */
  exact(tool: string, canonical: string, state: string): CacheEntry | undefined {
    return this.exactIndex.get(exactKey(tool, canonical, state));
  }

  /** The first recording with these arguments in any state (for state-blind replay). */
  withArguments(tool: string, canonical: string): CacheEntry | undefined {
    return this.argumentIndex.get(exactKey(tool, canonical, ''));
  }

  /** Every recording of a tool, in (sub-DAG, step) order. */
  recordingsOf(tool: string): readonly CacheEntry[] {
    return this.byTool.get(tool) ?? [];
  }

  /** The state a recorded state-changing call was made in, for the state it led to. */
  parentOf(state: string): string | undefined {
    return this.parents.get(state);
  }

  /** The same cache without some recordings (held-out evaluation); states stay as recorded. */
  filter(keep: (entry: CacheEntry) => boolean): SimulatorCache {
    return new SimulatorCache({ server: this.server, tools: this.tools, setup: this.setup, entries: this.entries.filter(keep) });
  }
}

/**
 * The state after the setup calls, replayed against the cache as an episode would: each setup call
 * advances the state if its tool changes state, unless its recording in that state failed. With no
 * recording (a setup call hidden from the cache) it is assumed to have succeeded, as on the real server.
 */
function initialStateOf(cache: SimulatorCache): string {
  let state = INITIAL_STATE;
  for (const call of cache.setup) {
    const canonical = canonicalArguments(call.arguments);
    const recorded = cache.exact(call.tool, canonical, state);
    state = stateAfter(state, { tool: call.tool, canonical, isError: recorded?.isError ?? false }, changesState(cache.tool(call.tool)));
  }
  return state;
}
