import type { RecordedCall, ToolDefinition, TrajectoryStep } from '../domain.js';
import { changesState } from '../simulator/state.js';

/**
 * The reference trajectory ending at `target` for answers observed in the `answering` calls: those
 * calls and the calls whose outputs fed them (transitively), and every earlier successful call that
 * may have changed the server's state, so that replaying the trajectory reaches the state the
 * answers were observed in. Failed calls and read-only calls nothing depends on are left out.
 */
export function trajectoryFor(
  target: RecordedCall,
  explored: RecordedCall[],
  tools: ReadonlyMap<string, ToolDefinition>,
  answering: RecordedCall[] = [target],
): TrajectoryStep[] {
  const byStep = new Map(explored.map((c) => [c.step, c]));
  const needed = new Set<number>([target.step, ...answering.map((c) => c.step)]);
  const pending = [target, ...answering];
  while (pending.length > 0) {
    for (const link of pending.pop()!.links) {
      const source = byStep.get(link.fromStep);
      if (source && !needed.has(source.step)) {
        needed.add(source.step);
        pending.push(source);
      }
    }
  }
  const chosen = explored.filter(
    (c) => c.step <= target.step && !c.isError && (needed.has(c.step) || changesState(tools.get(c.tool))),
  );
  const position = new Map(chosen.map((c, i) => [c.step, i]));
  return chosen.map((call) => ({
    tool: call.tool,
    arguments: call.arguments,
    result: call.result,
    isError: call.isError,
    links: call.links.flatMap((link) => {
      const from = position.get(link.fromStep);
      return from === undefined ? [] : [{ argument: link.argument, fromTrajectoryStep: from, outputPath: link.outputPath }];
    }),
    recorded: { subDagIndex: call.subDagIndex, step: call.step },
  }));
}
