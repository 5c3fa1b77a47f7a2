import type { Split } from '../export/prepared-task.js';
import { seededRandom, type Random } from '../random.js';

/** What the split reads of a task. */
export interface SplitItem {
  id: string;
  instruction: string;
  /** The reference trajectory's tools, in order, as `server/tool`. */
  tools: string[];
  servers: string[];
}

export interface SplitOptions {
  /** The share of tasks to hold out for testing (whole groups, so approximately). */
  testShare: number;
  seed: number;
  /** Servers none of whose tasks may be trained on: a generalisation test set. */
  holdOutServers: readonly string[];
}

/**
 * A seeded train/test split in which no normalised instruction and no tool sequence is in both:
 * tasks that share either are grouped (transitively) and each group goes to one side whole. Every
 * group touching a held-out server is test; then whole groups, in seeded order, until the test side
 * holds `testShare` of the tasks. A group that would overshoot is passed over for a smaller one.
 */
export function splitTasks(items: readonly SplitItem[], options: SplitOptions): Map<string, Split> {
  const groups = groupsOf(items);
  const split = new Map<string, Split>(items.map((item) => [item.id, 'train']));
  const held = new Set(options.holdOutServers);
  let test = 0;
  const rest: SplitItem[][] = [];
  for (const group of groups) {
    if (group.some((item) => item.servers.some((s) => held.has(s)))) {
      for (const item of group) split.set(item.id, 'test');
      test += group.length;
    } else rest.push(group);
  }
  const target = Math.round(items.length * options.testShare);
  const random = seededRandom(options.seed);
  for (const group of shuffled(rest, random)) {
    if (test >= target) break;
    if (test + group.length > target && test > 0) continue;
    for (const item of group) split.set(item.id, 'test');
    test += group.length;
  }
  return split;
}

/** How two instructions are compared: case, spacing and punctuation aside. */
export function normalisedInstruction(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Tasks joined by a shared normalised instruction or tool sequence, each group in id order, groups by first id. */
function groupsOf(items: readonly SplitItem[]): SplitItem[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const firstWith = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of [`i:${normalisedInstruction(item.instruction)}`, `t:${item.tools.join('\0')}`]) {
      const first = firstWith.get(key);
      if (first === undefined) firstWith.set(key, i);
      else parent[find(i)] = find(first);
    }
  });
  const byRoot = new Map<number, SplitItem[]>();
  items.forEach((item, i) => byRoot.set(find(i), [...(byRoot.get(find(i)) ?? []), item]));
  const byId = (a: SplitItem, b: SplitItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...byRoot.values()].map((group) => group.sort(byId)).sort((a, b) => byId(a[0]!, b[0]!));
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
