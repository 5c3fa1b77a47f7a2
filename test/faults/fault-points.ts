import { seededRandom } from '../../src/random.js';

/**
 * `count` distinct whole numbers in [from, to], ascending, chosen by the seed: where in a run a
 * fault hits. The label keeps different faults with the same seed from hitting the same points.
 */
export function faultPoints(label: string, seed: number, count: number, from: number, to: number): number[] {
  if (to - from + 1 < count) throw new RangeError(`faultPoints(${label}): [${from}, ${to}] holds fewer than ${count} points`);
  const random = seededRandom(`${label}/${seed}`);
  const points = new Set<number>();
  while (points.size < count) points.add(from + Math.floor(random() * (to - from + 1)));
  return [...points].sort((a, b) => a - b);
}
