import type { JsonPrimitive, JsonValue } from '../domain.js';

/**
 * Argument similarity in [0, 1] between two argument objects of the same tool, for retrieving the
 * nearest recorded call on a miss.
 *
 * Both objects are flattened to primitive leaves addressed by path, array indices written `[]`
 * (`entities[].name`): a list is compared as a bag of values, so ["a", "b"] and ["b", "a"] match.
 * Within one path, equal values pair up first and count 1 each; the rest pair greedily by partial
 * score: strings by token overlap, numbers by relative closeness, both scaled by PARTIAL so that
 * only equal leaves count fully (similarity 1 means the same leaves). Unpaired leaves count 0.
 * With M the summed pair scores: similarity = M / (|A| + |B| - M), a weighted Jaccard index.
 * Empty arrays and objects are leaves of their own, so `{ tags: [] }` is not the same as `{}`.
 */
export const PARTIAL = 0.9;
/** Bounds the greedy pairing on huge lists: beyond it, unequal leaves are left unpaired. */
const MAX_GREEDY = 32;

const EMPTY_ARRAY = { empty: 'array' } as const;
const EMPTY_OBJECT = { empty: 'object' } as const;

interface Leaf {
  value: JsonPrimitive | typeof EMPTY_ARRAY | typeof EMPTY_OBJECT;
  /** Lower-case word tokens of a string value, computed once. */
  tokens?: ReadonlySet<string>;
}

/** A value flattened for comparison; build once per recorded call, compare many times. */
export interface ArgumentLeaves {
  byPath: ReadonlyMap<string, readonly Leaf[]>;
  count: number;
}

export function argumentLeaves(value: JsonValue): ArgumentLeaves {
  const byPath = new Map<string, Leaf[]>();
  let count = 0;
  const add = (path: string, leaf: Leaf) => {
    const list = byPath.get(path);
    if (list) list.push(leaf);
    else byPath.set(path, [leaf]);
    count++;
  };
  const walk = (node: JsonValue, path: string) => {
    if (Array.isArray(node)) {
      if (node.length === 0) add(path, { value: EMPTY_ARRAY });
      for (const item of node) walk(item, `${path}[]`);
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node).filter((key) => node[key] !== undefined);
      if (keys.length === 0 && path !== '') add(path, { value: EMPTY_OBJECT });
      for (const key of keys) walk(node[key] as JsonValue, path ? `${path}.${key}` : key);
    } else if (typeof node === 'string') {
      add(path, { value: node, tokens: tokenize(node) });
    } else {
      add(path, { value: node });
    }
  };
  walk(value, '');
  return { byPath, count };
}

export function argumentSimilarity(a: JsonValue, b: JsonValue): number {
  return leavesSimilarity(argumentLeaves(a), argumentLeaves(b));
}

export function leavesSimilarity(a: ArgumentLeaves, b: ArgumentLeaves): number {
  if (a.count === 0 && b.count === 0) return 1;
  let matched = 0;
  for (const [path, left] of a.byPath) {
    const right = b.byPath.get(path);
    if (right) matched += pathScore(left, right);
  }
  return matched / (a.count + b.count - matched);
}

function pathScore(left: readonly Leaf[], right: readonly Leaf[]): number {
  if (left.length === 1 && right.length === 1) return leafScore(left[0]!, right[0]!);
  // Equal values first, as a multiset intersection.
  const unmatched = new Map<unknown, number>();
  for (const leaf of right) unmatched.set(leaf.value, (unmatched.get(leaf.value) ?? 0) + 1);
  let score = 0;
  const restLeft: Leaf[] = [];
  for (const leaf of left) {
    const n = unmatched.get(leaf.value) ?? 0;
    if (n > 0) {
      unmatched.set(leaf.value, n - 1);
      score += 1;
    } else {
      restLeft.push(leaf);
    }
  }
  const restRight: Leaf[] = [];
  for (const leaf of right) {
    const n = unmatched.get(leaf.value) ?? 0;
    if (n > 0) {
      unmatched.set(leaf.value, n - 1);
      restRight.push(leaf);
    }
  }
  // Then the best partial partner for each remaining leaf, greedily.
  const used = new Set<number>();
  for (const leaf of restLeft.slice(0, MAX_GREEDY)) {
    let best = 0;
    let bestIndex = -1;
    restRight.slice(0, MAX_GREEDY).forEach((other, i) => {
      if (used.has(i)) return;
      const s = leafScore(leaf, other);
      if (s > best) [best, bestIndex] = [s, i];
    });
    if (bestIndex >= 0) {
      used.add(bestIndex);
      score += best;
    }
  }
  return score;
}

function leafScore(a: Leaf, b: Leaf): number {
  if (a.value === b.value) return 1;
  if (typeof a.value === 'number' && typeof b.value === 'number') {
    const scale = Math.max(Math.abs(a.value), Math.abs(b.value));
    return PARTIAL * Math.max(0, 1 - Math.abs(a.value - b.value) / scale);
  }
  if (a.tokens && b.tokens) return PARTIAL * jaccard(a.tokens, b.tokens);
  return 0;
}

function tokenize(text: string): ReadonlySet<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}
