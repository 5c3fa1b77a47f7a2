import type { DiscoveredTool, RecordedCall, SubDag, Task, ToolEdge, Verdict } from '../domain.js';
import type { EpisodeRecord } from '../store/store.js';
import { memberToolName } from '../mcp/composite-spec.js';
import type { SetupCall } from '../mcp/spec.js';

/**
 * One run of a fleet as the fleet's dataset sees it: every tool named `<server>__<tool>` and
 * knowing its server, so that one catalog, one simulator and one task list hold every server's.
 * A composite run's tools are named so already; a server's own run is renamed here.
 */
export interface FleetRunRecord {
  runId: string;
  planner: string;
  /** The server, or undefined for a composite run (its tools carry their servers). */
  server?: string;
  tools: DiscoveredTool[];
  tasks: Task[];
  calls: RecordedCall[];
  setup: SetupCall[];
  /** What the manifest and the report count and draw of the run: every candidate and verdict, its graph, sub-DAGs and episodes. */
  candidates: Task[];
  verdicts: Verdict[];
  edges: ToolEdge[];
  subDags: SubDag[];
  episodes: EpisodeRecord[];
}

export function asFleetRun(record: FleetRunRecord): FleetRunRecord {
  const { server } = record;
  if (server === undefined) return record;
  const rename = (tool: string) => memberToolName(server, tool);
  const renamedTask = (task: Task): Task => ({ ...task, trajectory: task.trajectory.map((step) => ({ ...step, tool: rename(step.tool) })) });
  return {
    ...record,
    tools: record.tools.map((tool) => ({ ...tool, name: rename(tool.name), server })),
    tasks: record.tasks.map(renamedTask),
    candidates: record.candidates.map(renamedTask),
    edges: record.edges.map((edge) => ({ ...edge, from: rename(edge.from), to: rename(edge.to) })),
    subDags: record.subDags.map((subDag) => ({
      ...subDag,
      tools: subDag.tools.map(rename),
      edges: subDag.edges.map((edge) => ({ ...edge, from: rename(edge.from), to: rename(edge.to) })),
    })),
    calls: record.calls.map((call) => ({ ...call, tool: rename(call.tool) })),
    setup: record.setup.map((call) => ({ ...call, tool: rename(call.tool) })),
  };
}

/** Every server's tools once: a composite run lists its members' tools again, the servers' own runs come first. */
export function fleetTools(runs: readonly FleetRunRecord[]): DiscoveredTool[] {
  const byName = new Map<string, DiscoveredTool>();
  for (const run of [...runs].sort((a, b) => Number(a.server === undefined) - Number(b.server === undefined))) {
    for (const tool of run.tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  }
  return [...byName.values()];
}
