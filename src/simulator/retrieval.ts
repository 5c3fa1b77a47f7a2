import type { JsonValue } from '../domain.js';
import type { SimulatorCache } from './cache.js';
import type { CacheEntry } from './cache-entry.js';
import { argumentLeaves, leavesSimilarity, type ArgumentLeaves } from './similarity.js';

/** A recording with the argument set it shares with others, flattened once for comparison. */
interface ArgumentGroup {
  leaves: ArgumentLeaves;
  /** Every recording with exactly these canonical arguments, in (sub-DAG, step) order. */
  entries: CacheEntry[];
}

export interface Nearest {
  entry: CacheEntry;
  similarity: number;
}

/** Where an episode is: its current state and the chain of states that led there (oldest first). */
export interface EpisodePosition {
  state: string;
  /** state → its depth in the episode's history. */
  history: ReadonlyMap<string, number>;
}

/** Equal within floating-point noise: such candidates are told apart by state, then by order. */
const EPSILON = 1e-9;
/** Bounds the walk up a recorded state's ancestry. */
const MAX_ANCESTRY = 10_000;

/**
 * Nearest-neighbour search over the recordings of one tool. Recordings are grouped by canonical
 * arguments (the same call is often recorded in many states) and each group is flattened the
 * first time its tool misses, so loading a cache costs nothing here.
 */
export class NearestRecording {
  private readonly groups = new Map<string, ArgumentGroup[]>();

  constructor(private readonly cache: SimulatorCache) {}

  /**
   * The recording of `tool` whose arguments are most similar to `args`. Among equally similar
   * ones: a recording made in the episode's current state first, then the one whose state shares
   * the longest history with the episode's, then the first by (sub-DAG, step).
   */
  find(tool: string, args: JsonValue, position: EpisodePosition): Nearest | undefined {
    const groups = this.groupsOf(tool);
    if (groups.length === 0) return undefined;
    const leaves = argumentLeaves(args);
    let best = -1;
    let tied: ArgumentGroup[] = [];
    for (const group of groups) {
      const similarity = leavesSimilarity(leaves, group.leaves);
      if (similarity > best + EPSILON) [best, tied] = [similarity, [group]];
      else if (similarity > best - EPSILON) tied.push(group);
    }
    let chosen: CacheEntry | undefined;
    let chosenRank = -Infinity;
    for (const group of tied) {
      for (const entry of group.entries) {
        const rank = this.stateRank(entry.state, position);
        if (rank > chosenRank) [chosen, chosenRank] = [entry, rank];
      }
    }
    return chosen && { entry: chosen, similarity: best };
  }

  /**
   * Up to `limit` recordings of `tool` with different arguments, most similar first: the examples a
   * generated answer is based on. Each argument set is represented by one recording, chosen (and
   * ties between sets broken) as find() chooses, so the first is the recording find() returns.
   */
  nearest(tool: string, args: JsonValue, position: EpisodePosition, limit: number): Nearest[] {
    if (limit < 1) return [];
    const leaves = argumentLeaves(args);
    const scored = this.groupsOf(tool).map((group, order) => ({ group, order, similarity: leavesSimilarity(leaves, group.leaves) }));
    scored.sort((a, b) => b.similarity - a.similarity || a.order - b.order);
    // Only the sets that can make the cut (the first `limit`, and any tied with the last of them) need their states ranked.
    const floor = (scored[Math.min(limit, scored.length) - 1]?.similarity ?? 0) - EPSILON;
    const ranked = scored
      .filter((candidate) => candidate.similarity > floor)
      .map(({ group, order, similarity }) => {
        let entry = group.entries[0]!;
        let rank = -Infinity;
        for (const candidate of group.entries) {
          const r = this.stateRank(candidate.state, position);
          if (r > rank) [entry, rank] = [candidate, r];
        }
        return { entry, rank, order, similarity };
      });
    ranked.sort((a, b) => (Math.abs(a.similarity - b.similarity) > EPSILON ? b.similarity - a.similarity : b.rank - a.rank || a.order - b.order));
    return ranked.slice(0, limit).map(({ entry, similarity }) => ({ entry, similarity }));
  }

  /**
   * How many state-changing calls separate a recorded state from the episode's: up from the
   * recording to the deepest state both histories share, then down the episode's history. A
   * recording sharing no history at all counts the episode's whole history plus one.
   */
  stateDistance(state: string, position: EpisodePosition): number {
    const here = position.history.get(position.state) ?? position.history.size;
    let current: string | undefined = state;
    let up = 0;
    for (; current !== undefined && up < MAX_ANCESTRY; up++) {
      const depth = position.history.get(current);
      if (depth !== undefined) return up + here - depth;
      current = this.cache.parentOf(current);
    }
    return up + here + 1;
  }

  /** Infinity for the current state; otherwise the depth of the deepest state both histories share (-1 for none). */
  private stateRank(state: string, position: EpisodePosition): number {
    if (state === position.state) return Infinity;
    let current: string | undefined = state;
    for (let i = 0; current !== undefined && i < MAX_ANCESTRY; i++) {
      const depth = position.history.get(current);
      if (depth !== undefined) return depth;
      current = this.cache.parentOf(current);
    }
    return -1;
  }

  private groupsOf(tool: string): ArgumentGroup[] {
    let groups = this.groups.get(tool);
    if (!groups) {
      const byCanonical = new Map<string, ArgumentGroup>();
      for (const entry of this.cache.recordingsOf(tool)) {
        const group = byCanonical.get(entry.canonical);
        if (group) group.entries.push(entry);
        else byCanonical.set(entry.canonical, { leaves: argumentLeaves(JSON.parse(entry.canonical) as JsonValue), entries: [entry] });
      }
      groups = [...byCanonical.values()];
      this.groups.set(tool, groups);
    }
    return groups;
  }
}
