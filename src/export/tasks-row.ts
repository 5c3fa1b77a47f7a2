import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';
import type { ToolCatalog } from './tool-catalog.js';

/**
 * A row of tasks.jsonl: the task itself, readable without the project. Tool names are the offered
 * (sanitised) ones, with the map back to `server/tool`; results are exactly as recorded, so a
 * ground-truth path can be followed into them (through structuredContent, or the parsed text).
 */
export function tasksRow(prepared: PreparedTask, catalog: ToolCatalog, planner: string): JsonObject {
  const { task } = prepared;
  return {
    id: task.id,
    instruction: task.instruction,
    tools: { offered: catalog.offered.map((t) => t.name), names: catalog.nameMap },
    answer_schema: task.answerSchema as JsonObject,
    answer: prepared.answer,
    ground_truth: task.groundTruth.map((t) => ({
      field: t.field,
      value: t.value,
      source: { trajectory_step: t.source.trajectoryStep, path: t.source.path },
    })),
    answer_template: task.answerTemplate,
    difficulty: task.difficulty,
    trajectory: prepared.steps.map((s) => ({
      call_id: s.callId,
      tool: s.tool.name,
      arguments: s.recorded.arguments,
      result: s.recorded.result,
      is_error: s.recorded.isError,
      links: s.recorded.links.map((l) => ({ argument: l.argument, from_trajectory_step: l.fromTrajectoryStep, output_path: l.outputPath })),
      recorded: { sub_dag: s.recorded.recorded.subDagIndex, step: s.recorded.recorded.step },
    })),
    provenance: {
      run_id: task.runId,
      server: task.server,
      sub_dag: task.subDagIndex,
      synthesizer: task.synthesizer,
      planner,
    },
  };
}
