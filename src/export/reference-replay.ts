import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GroundTruthField, JsonObject, JsonPrimitive, JsonValue, Task, TrajectoryStep } from '../domain.js';
import { fromAgentPaths } from '../explore/sandbox-paths.js';
import { reward } from '../replay/reward.js';
import { readSimulatorCache } from '../simulator/cache-file.js';
import { Simulator } from '../simulator/simulator.js';
import { replayTrajectory } from '../verify/replay.js';
import { DATASET_FILES } from './dataset-files.js';
import { ownToolNames } from './tool-names.js';

export interface ReferenceReplay {
  tasks: number;
  /** Tasks whose reference trajectory, replayed in the dataset's own simulator, earns reward 1. */
  passed: number;
  failed: Array<{ taskId: string; reason: string }>;
}

/**
 * Replays every task of an exported dataset as a trainer would: read from its files alone, each
 * reference trajectory run in the dataset's simulator from the task's start state, its answer read
 * where the ground truth says and rewarded. A dataset whose references do not all earn reward 1
 * would train against wrong labels.
 */
export async function replayReferences(dir: string): Promise<ReferenceReplay> {
  const simulator = new Simulator(readSimulatorCache(join(dir, DATASET_FILES.simulator)));
  // The exporter named the offered tools from the cache's own names: the same names map them back.
  const recorded = ownToolNames(simulator.tools().map((t) => t.name));
  const lines = (await readFile(join(dir, DATASET_FILES.tasks), 'utf8')).split('\n').filter(Boolean);
  const failed: ReferenceReplay['failed'] = [];
  for (const line of lines) {
    const row = JSON.parse(line) as TasksRow;
    const task = taskOf(row, recorded);
    const replay = await replayTrajectory(task, { startEpisode: () => simulator.startEpisode({ state: row.simulator.start_state }) });
    if (reward(task, replay.observed) === 1) continue;
    const wrong = task.groundTruth.filter((g) => JSON.stringify(replay.observed[g.field]) !== JSON.stringify(g.value)).map((g) => g.field);
    failed.push({ taskId: row.id, reason: `fields ${wrong.join(', ')} differ; answers ${replay.answers.map((a) => a.provenance).join(', ')}` });
  }
  return { tasks: lines.length, passed: lines.length - failed.length, failed };
}

interface TasksRow {
  id: string;
  simulator: { start_state: string };
  ground_truth: Array<{ field: string; value: string; source: { trajectory_step: number; path: string } }>;
  trajectory: Array<{ tool: string; arguments: string; result: string; is_error: boolean; links: Array<{ argument: string; from_trajectory_step: number; output_path: string }> }>;
}

/** The parts of a task that replaying reads, back from its row. */
function taskOf(row: TasksRow, recorded: ReadonlyMap<string, string>): Pick<Task, 'groundTruth' | 'trajectory'> {
  const trajectory: TrajectoryStep[] = row.trajectory.map((step, i) => ({
    tool: recorded.get(step.tool) ?? step.tool,
    // Rows write the sandbox as the agent does (/workspace); the simulator's recordings as `${sandbox}`.
    arguments: fromAgentPaths(JSON.parse(step.arguments) as JsonObject),
    result: fromAgentPaths(JSON.parse(step.result) as JsonValue),
    isError: step.is_error,
    links: step.links.map((l) => ({ argument: l.argument, fromTrajectoryStep: l.from_trajectory_step, outputPath: l.output_path })),
    recorded: { subDagIndex: -1, step: i },
  }));
  const groundTruth: GroundTruthField[] = row.ground_truth.map((g) => ({
    field: g.field,
    value: JSON.parse(g.value) as JsonPrimitive,
    source: { trajectoryStep: g.source.trajectory_step, path: g.source.path },
  }));
  return { trajectory, groundTruth };
}
