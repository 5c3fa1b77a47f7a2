import type { JsonObject, JsonValue, SimulatedAnswer, ToolDefinition } from '../domain.js';
import type { SimulatorCache } from './cache.js';
import type { CacheEntry } from './cache-entry.js';
import { canonicalArguments } from './canonical.js';
import { noDataResult, unknownToolResult } from './no-data.js';
import { NearestRecording, type EpisodePosition } from './retrieval.js';
import { changesState, stateAfter } from './state.js';

export interface SimulatorOptions {
  /** The least argument similarity at which a near recording answers a miss (default 0.5). */
  retrievalThreshold?: number;
  /** Key exact matches by episode state too (default true); off, the first recording with the arguments answers. */
  stateAware?: boolean;
}

export const DEFAULT_RETRIEVAL_THRESHOLD = 0.5;

/**
 * Replays a run's recorded calls offline. Each episode is a fresh server as the recording saw it
 * (after the setup calls); every answer says where it came from: `exact` (this call, in this state,
 * was recorded), `retrieved` (the nearest recording of the same tool), or `none` (an error result
 * saying there is no data). Answers are asynchronous because a later stage may generate them.
 */
export class Simulator {
  readonly retrievalThreshold: number;
  readonly stateAware: boolean;
  private readonly nearest: NearestRecording;

  constructor(
    readonly cache: SimulatorCache,
    options: SimulatorOptions = {},
  ) {
    const threshold = options.retrievalThreshold ?? DEFAULT_RETRIEVAL_THRESHOLD;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new RangeError(`Simulator: retrievalThreshold is ${threshold}: give a similarity between 0 and 1 (default ${DEFAULT_RETRIEVAL_THRESHOLD})`);
    }
    this.retrievalThreshold = threshold;
    this.stateAware = options.stateAware ?? true;
    this.nearest = new NearestRecording(cache);
  }

  /** The recorded server's tools, as it listed them. */
  tools(): ToolDefinition[] {
    return this.cache.tools.map((tool) => structuredClone(tool));
  }

  /**
   * A fresh episode, in the state after the setup calls. `state` starts it elsewhere instead (a
   * state key from the cache, e.g. to ask for a held-out call in the state it was recorded in).
   */
  startEpisode(options: { state?: string } = {}): SimulatorEpisode {
    return new SimulatorEpisode(this, options.state ?? this.cache.initialState);
  }

  /** One answer for canonical arguments at a position, advancing nothing: SimulatorEpisode.call keeps the state. */
  answer(tool: string, canonical: string, position: EpisodePosition): SimulatedAnswer {
    if (!this.cache.tool(tool)) {
      return { provenance: 'none', result: unknownToolResult(tool, this.cache.tools.map((t) => t.name)), isError: true, similarity: 0 };
    }
    const hit = this.stateAware ? this.cache.exact(tool, canonical, position.state) : this.cache.withArguments(tool, canonical);
    if (hit) return fromEntry('exact', hit, 1);
    const near = this.nearest.find(tool, JSON.parse(canonical) as JsonValue, position);
    if (near && near.similarity >= this.retrievalThreshold) return fromEntry('retrieved', near.entry, near.similarity);
    return { provenance: 'none', result: noDataResult(tool, near?.similarity, this.retrievalThreshold), isError: true, similarity: near?.similarity ?? 0 };
  }
}

/**
 * One agent's session against the simulator. Its state advances exactly as a recording's did: after
 * an answer to a state-changing tool that is not an error.
 */
export class SimulatorEpisode {
  private current: string;
  /** Every state this episode has been in, with its depth: retrieval prefers recordings sharing this history. */
  private readonly history = new Map<string, number>();

  constructor(
    private readonly simulator: Simulator,
    start: string,
  ) {
    this.current = start;
    // The recorded states that led to the start (the setup calls' states) are this episode's history too.
    const chain = [start];
    for (let parent = simulator.cache.parentOf(start); parent !== undefined && !chain.includes(parent); parent = simulator.cache.parentOf(parent)) {
      chain.push(parent);
    }
    chain.reverse().forEach((state, depth) => this.history.set(state, depth));
  }

  get state(): string {
    return this.current;
  }

  async call(tool: string, args: JsonObject = {}): Promise<SimulatedAnswer> {
    const canonical = canonicalArguments(args);
    const answer = this.simulator.answer(tool, canonical, { state: this.current, history: this.history });
    const definition = this.simulator.cache.tool(tool);
    if (definition) {
      const next = stateAfter(this.current, { tool, canonical, isError: answer.isError }, changesState(definition));
      if (next !== this.current) {
        this.current = next;
        if (!this.history.has(next)) this.history.set(next, this.history.size);
      }
    }
    return answer;
  }
}

function fromEntry(provenance: 'exact' | 'retrieved', entry: CacheEntry, similarity: number): SimulatedAnswer {
  return { provenance, result: entry.result, isError: entry.isError, similarity, source: { ...entry.source } };
}
