import type { JsonValue, Task } from '../domain.js';
import type { ExportInput } from '../export/types.js';
import type { ReportData, ReportTask } from './report-data.js';
import { serverRow, type ServerRecords } from './server-row.js';

/** What the export reads from the store for the report, beyond what it reads for the dataset itself. */
export type ReportRecords = Pick<ServerRecords, 'edges' | 'subDags' | 'episodes' | 'calls' | 'candidates'>;

const MAX_TEXT = 240;

/** A one-server dataset's report: its one row, and its exported tasks. */
export function datasetReport(input: ExportInput, records: ReportRecords, exported: Task[]): ReportData {
  const row = serverRow({
    ...records,
    server: input.run.server,
    runId: input.run.runId,
    planner: input.run.planner,
    tools: input.tools,
    verdicts: input.verdicts,
    broken: (input.reliability?.broken ?? []).map((b) => b.tool),
    exported: exported.length,
  });
  return { title: input.run.runId, pipelineVersion: input.pipelineVersion, servers: [row], tasks: exported.map(reportTask) };
}

export function reportTask(task: Task): ReportTask {
  return {
    id: task.id,
    server: task.server,
    instruction: task.instruction,
    difficulty: task.difficulty,
    answer: Object.fromEntries(task.groundTruth.map((g) => [g.field, shortJson(g.value)])),
    trajectory: task.trajectory.map((step) => ({
      tool: step.tool,
      arguments: shortJson(step.arguments),
      links: step.links.map((l) => ({ argument: l.argument, fromStep: l.fromTrajectoryStep, outputPath: l.outputPath })),
    })),
  };
}

function shortJson(value: JsonValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
