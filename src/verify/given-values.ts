import type { JsonPrimitive, TrajectoryStep } from '../domain.js';
import { primitiveLeaves } from '../explore/json-path.js';

/** Argument values a trajectory's user supplies: every argument leaf not fed by an earlier step's output. */
export function givenArguments(trajectory: TrajectoryStep[]): Array<{ step: number; path: string; value: JsonPrimitive }> {
  return trajectory.flatMap((step, index) => {
    const linked = new Set(step.links.map((l) => l.argument));
    return primitiveLeaves(step.arguments)
      .filter((leaf) => !linked.has(leaf.path) && ![...linked].some((arg) => leaf.path.startsWith(`${arg}.`) || leaf.path.startsWith(`${arg}[`)))
      .map((leaf) => ({ step: index, path: leaf.path, value: leaf.value as JsonPrimitive }));
  });
}
