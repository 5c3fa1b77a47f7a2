import type { JsonObject, JsonValue, SimulatedAnswer, Task } from '../domain.js';
import { valuesAt, withValueAt } from '../explore/json-path.js';
import { outputValue } from '../mcp/output.js';

/** What replaying needs of the simulator: fresh episodes that answer calls. */
export interface ReplayEnvironment {
  startEpisode(): { call(tool: string, args: JsonObject): Promise<SimulatedAnswer> };
}

export interface TrajectoryReplay {
  answers: SimulatedAnswer[];
  /** Links whose value the replayed output did not have: the chain did not hold there. */
  brokenLinks: Array<{ step: number; argument: string; outputPath: string }>;
  /** The task's answer fields read from the replayed outputs at their sources. */
  observed: Record<string, JsonValue | undefined>;
}

/**
 * Replays a task's reference trajectory in a fresh simulator episode. Linked arguments take their
 * values from the replayed outputs, not from the recording, so the replay proves the chain holds.
 */
export async function replayTrajectory(task: Pick<Task, 'trajectory' | 'groundTruth'>, environment: ReplayEnvironment): Promise<TrajectoryReplay> {
  const episode = environment.startEpisode();
  const outputs: JsonValue[] = [];
  const answers: SimulatedAnswer[] = [];
  const brokenLinks: TrajectoryReplay['brokenLinks'] = [];
  for (const [index, step] of task.trajectory.entries()) {
    let args: JsonValue = step.arguments;
    for (const link of step.links) {
      const found = valuesAt(outputs[link.fromTrajectoryStep] ?? null, link.outputPath)[0];
      if (found) args = withValueAt(args, link.argument, found.value);
      else brokenLinks.push({ step: index, argument: link.argument, outputPath: link.outputPath });
    }
    const answer = await episode.call(step.tool, args as JsonObject);
    answers.push(answer);
    outputs.push(outputValue(answer.result));
  }
  const observed = Object.fromEntries(
    task.groundTruth.map((g) => [g.field, valuesAt(outputs[g.source.trajectoryStep] ?? null, g.source.path)[0]?.value]),
  );
  return { answers, brokenLinks, observed };
}
