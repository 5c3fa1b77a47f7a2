import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';
import { crossServerLink } from './method-figures.js';

/**
 * A row of tasks.jsonl: the task itself, readable without the project, in one shape whatever the
 * server. Values whose shape depends on the task or tool (the answer, its schema, ground-truth
 * values, a call's arguments and result) are JSON *strings*, as Toucan and xLAM store them: a loader
 * then infers one schema for every row of every server (parsed objects would make a column a struct
 * in one file and something else in the next, or pad it with nulls). Tool names are the offered
 * (sanitised) ones, each with its server and its own name there; results are exactly as recorded, so a
 * ground-truth path can be followed into them (through structuredContent, or the parsed text).
 */
export function tasksRow(prepared: PreparedTask, planner: string): JsonObject {
  const { task } = prepared;
  return {
    id: task.id,
    split: prepared.split,
    instruction: task.instruction,
    tools: prepared.offered.map((t) => ({ name: t.name, server: t.server, tool: t.tool })),
    answer_schema: JSON.stringify(task.answerSchema),
    answer: JSON.stringify(prepared.answer),
    ground_truth: task.groundTruth.map((t) => ({
      field: t.field,
      value: JSON.stringify(t.value),
      source: { trajectory_step: t.source.trajectoryStep, path: t.source.path },
    })),
    answer_template: task.answerTemplate,
    difficulty: task.difficulty,
    trajectory: prepared.steps.map((s) => ({
      call_id: s.callId,
      tool: s.tool.name,
      server: s.tool.server,
      arguments: JSON.stringify(s.recorded.arguments),
      result: JSON.stringify(s.recorded.result),
      is_error: s.recorded.isError,
      links: s.recorded.links.map((l) => ({ argument: l.argument, from_trajectory_step: l.fromTrajectoryStep, output_path: l.outputPath })),
      recorded: { sub_dag: s.recorded.recorded.subDagIndex, step: s.recorded.recorded.step },
    })),
    simulator: { start_state: prepared.startState },
    provenance: {
      run_id: task.runId,
      servers: prepared.servers,
      cross_server: crossServerLink(prepared),
      sub_dag: task.subDagIndex,
      synthesizer: task.synthesizer,
      planner,
    },
  };
}
