import type { DiscoveredTool, Difficulty, JsonObject, Task, Verdict } from '../domain.js';
import type { SetupCall } from '../mcp/spec.js';
import type { Split } from './prepared-task.js';
import type { MethodFigures } from './method-figures.js';
import type { LedgerSnapshot } from '../llm/usage-ledger.js';
import type { RunReliability } from '../verify/reliability.js';
import type { ReportData } from '../report/report-data.js';

/** What a run hands the exporter: its verified tasks and enough context to describe them. */
export interface ExportInput {
  /** Replaced whole, once the new dataset is complete (see swap-dir.ts): an earlier export stays readable until then. */
  dir: string;
  /** `servers`: a fleet's, whose dataset is named `server` (the fleet's ID). */
  run: { runId: string; server: string; servers?: string[]; planner: string; synthesizer: string; judge?: string };
  /** The run's models per stage and what they cost; absent for a run without models. */
  models?: RunModelsRecord;
  /** The server's tools; the usable ones are offered to the agent in every task. */
  tools: DiscoveredTool[];
  /** Verified tasks only: the caller filters. */
  tasks: Task[];
  /** Every verdict of every candidate, for the manifest's rejection breakdown. */
  verdicts: Verdict[];
  /** The setup calls of each run the tasks come from (by run ID): a task's simulator episode starts after them. */
  setups: ReadonlyMap<string, readonly SetupCall[]>;
  /** Which tasks are held out for testing (by task ID); the rest, and all without a split, are `train`. */
  splits?: ReadonlyMap<string, Split>;
  /** How many candidate tasks were synthesized. */
  candidates: number;
  /** Writes the simulator's cache (a SQLite file) to the given path; the simulator module owns its format. */
  writeSimulatorCache: (path: string) => Promise<void>;
  /**
   * Checks the written dataset's reward (src/env/reward-integrity.ts): its summary goes into the
   * manifest, and the tasks it finds a hack for (task id → hack) are left out.
   */
  checkRewardIntegrity?: (dir: string) => Promise<{ summary: JsonObject; failing: ReadonlyMap<string, string> }>;
  /** A markdown file describing the cache's tables, copied into the dataset as SIMULATOR.md. */
  simulatorCacheFormatDoc?: string;
  /** The package.json version of the pipeline that produced the data. */
  pipelineVersion: string;
  /** Volatile outputs, broken tools and what the live stable check made (its wall time left out: the bytes must not depend on it). */
  reliability?: Omit<RunReliability, 'stable'> & { stable: Omit<RunReliability['stable'], 'wallMs'> };
  /** Given, the dataset gets report.html: the page's data, from the tasks exported. */
  report?: (exported: Task[]) => ReportData;
}

export interface RunModelsRecord {
  provider: string;
  /** The model of each stage, by stage name. */
  stages: Record<string, string>;
  usage: LedgerSnapshot;
}

export interface FileDigest {
  sha256: string;
  /** Newline-terminated lines; null for binary files (the simulator's SQLite cache). */
  lines: number | null;
}

/** A verified task the exporter refused, and why (it never throws over one bad task). */
export interface SkippedTask {
  taskId: string;
  reason: string;
}

export interface DatasetCounts {
  candidates: number;
  /** Tasks exported. */
  tasks: number;
  /** Verified tasks the exporter skipped (see ExportSummary.skipped). */
  skipped: number;
  /** Distinct candidates with at least one failed check. */
  rejectedCandidates: number;
  /** Failed verdicts per check; a candidate failing several checks counts once under each. */
  rejectedByCheck: Record<string, number>;
  /** One reference trajectory per exported task. */
  trajectories: number;
  toolCalls: number;
  meanCallsPerTask: number;
  /** Share of exported tasks whose trajectory has three calls or more. */
  shareWithThreeOrMoreCalls: number;
  difficulty: Record<Difficulty, number>;
}

export interface ExportSummary {
  dir: string;
  /** Every file written, by name relative to `dir`, including manifest.json. */
  files: Record<string, FileDigest>;
  counts: DatasetCounts;
  /** The method's statistics (calls per task, answer fields, cross-server share…), as the card prints them. */
  figures: MethodFigures;
  skipped: SkippedTask[];
}
