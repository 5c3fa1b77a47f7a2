/**
 * What report.html shows, as plain data: built from the store and the dataset files by the export
 * (see dataset-report.ts), or by anything else that has the same figures. A dataset of one server
 * has one row in `servers`; a dataset of many has one row each, and the page adds their shares.
 */
export interface ReportData {
  /** The dataset's name, e.g. its run ID. */
  title: string;
  pipelineVersion: string;
  servers: ServerRow[];
  /** Every exported task, in the dataset's order. */
  tasks: ReportTask[];
  /** Where the simulator's answers came from in the last replay of these tasks; absent when none is recorded. */
  replay?: { policy: string; provenance: Record<'exact' | 'retrieved' | 'generated' | 'none', number> };
}

export interface ServerRow {
  server: string;
  runId: string;
  planner: string;
  tools: ReportTool[];
  edges: ReportEdge[];
  funnel: Funnel;
  /** Failed verdicts per check, each with a few of the candidates it refused. */
  rejections: Rejection[];
  /** Per tool, over the calls the episodes recorded (setup calls included). */
  toolCalls: ToolCallStats[];
}

export interface ReportTool {
  name: string;
  usable: boolean;
  /** Gives the same failure whatever it is asked (see src/explore/broken-tools.ts). */
  broken: boolean;
  /** Called in at least one episode. */
  explored: boolean;
  /** Why an unusable tool was skipped. */
  skipReason?: string;
}

export interface ReportEdge {
  from: string;
  to: string;
  confidence: string;
  /** Part of at least one sampled sub-DAG. */
  sampled: boolean;
  /** An output of `from` fed an argument of `to` in a recorded call. */
  explored: boolean;
}

/** The steps from a server's tools to its exported tasks; each counts what survived the step before. */
export interface Funnel {
  tools: number;
  usable: number;
  edges: number;
  subDags: number;
  episodes: number;
  calls: number;
  candidates: number;
  verified: number;
  exported: number;
}

export interface Rejection {
  check: string;
  count: number;
  examples: Array<{ taskId: string; instruction: string; reason: string }>;
}

export interface ToolCallStats {
  tool: string;
  calls: number;
  errors: number;
  medianMs: number;
  p95Ms: number;
}

export interface ReportTask {
  id: string;
  server: string;
  instruction: string;
  difficulty: string;
  /** Answer field → value, as JSON text cut to a readable length. */
  answer: Record<string, string>;
  trajectory: Array<{ tool: string; arguments: string; links: Array<{ argument: string; fromStep: number; outputPath: string }> }>;
}

/** The paper's figures the page sets beside the dataset's own (see FIREFLY.md). */
export const PAPER_FIGURES = {
  meanCallsPerTask: 3.0,
  callsPerTaskRange: [1, 10],
  meanAnswerFields: 4.6,
  mediumShare: 0.77,
  verifiedShareOfCandidates: 0.5,
  provenance: { exact: 0.422, retrieved: 0.578, none: 0 },
} as const;
