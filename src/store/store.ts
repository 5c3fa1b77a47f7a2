import type { LlmUsage } from '../llm/types.js';
import type { GeneratedAnswer, GenerationKey } from '../simulator/generation.js';
import type { RepeatedCallRecord } from '../explore/reexecute.js';
import type { DiscoveredTool, JsonValue, RecordedCall, SubDag, Task, ToolEdge, ToolProfile, Verdict } from '../domain.js';

/** One generation run: the workflow ID is its key, so a run started again under the same ID resumes. */
export interface RunRecord {
  runId: string;
  serverName: string;
  /** The server spec as the user gave it (placeholders unresolved, so no secret is stored). */
  spec: JsonValue;
  /** The run's options (sub-DAG count, seed, planner…). */
  options: JsonValue;
  planner: string;
}

/** Tokens one stage spent with one model, summed over its calls. */
export interface LlmUsageRecord extends LlmUsage {
  stage: string;
  model: string;
  calls: number;
}

/**
 * A recorded call sequence made again on a fresh live instance: the probe's, to find volatile
 * outputs, or a task's reference trajectory, for the \`stable\` check. Kept apart from the
 * recording, so the simulator's cache holds what episodes observed and nothing else.
 */
export interface LiveRepeat {
  /** What was repeated: `probe`, `trajectory:<digest>`. */
  subject: string;
  /** 1, 2…: each round on its own fresh instance, at its own moment. */
  round: number;
  startedAtMs: number;
  wallMs: number;
  calls: RepeatedCallRecord[];
}

/** What one audit found of one exported task, re-executed live after the fact. */
export interface AuditResult {
  auditId: string;
  taskId: string;
  holds: boolean;
  reason: string;
}

/** Model output a stage could not use, with why: kept so a person can see what the model got wrong. */
export interface LlmRejection {
  stage: string;
  /** What was rejected, unique within the stage, e.g. `sub-dag-3/proposal-1`. */
  subject: string;
  reason: string;
  detail: JsonValue;
}

export interface SandboxSnapshot {
  nextStep: number;
  archive: Uint8Array;
}

export type EpisodeStatus = 'running' | 'done' | 'failed';

export interface EpisodeRecord {
  runId: string;
  subDagIndex: number;
  status: EpisodeStatus;
  planner: string;
  calls: number;
  errors: number;
  /** Calls with at least one argument taken from an earlier output. */
  linkedCalls: number;
  error?: string;
}

/**
 * Everything a run records. Every write is idempotent: writing the same key twice keeps one row,
 * so an activity retried after a crash never duplicates what it already recorded.
 * Asynchronous so that a shared database can stand behind it later.
 */
export interface Store {
  readonly location: string;
  saveRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** The runs whose ID starts with `prefix` (a fleet's: `<fleet>/`), by ID. */
  listRuns(prefix: string): Promise<RunRecord[]>;

  saveTools(runId: string, tools: DiscoveredTool[]): Promise<void>;
  listTools(runId: string): Promise<DiscoveredTool[]>;

  saveProfiles(runId: string, profiles: ToolProfile[]): Promise<void>;
  listProfiles(runId: string): Promise<ToolProfile[]>;

  saveEdges(runId: string, edges: ToolEdge[]): Promise<void>;
  listEdges(runId: string): Promise<ToolEdge[]>;

  /** Keeps sub-DAGs already stored under the same index: sampling again never reshuffles a run. */
  saveSubDags(runId: string, subDags: SubDag[]): Promise<void>;
  listSubDags(runId: string): Promise<SubDag[]>;
  getSubDag(runId: string, index: number): Promise<SubDag | undefined>;

  /** Returns false when this (run, sub-DAG, step) was already recorded. */
  recordCall(call: RecordedCall): Promise<boolean>;
  listCalls(runId: string, subDagIndex?: number): Promise<RecordedCall[]>;

  /**
   * An episode's sandbox files (an archive, see mcp/sandbox-archive.ts) as they are before step
   * `nextStep`: what a retry on any worker resumes on. The same (run, sub-DAG, step) written again replaces it.
   */
  saveSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number, archive: Uint8Array): Promise<void>;
  /** The episode's latest snapshot taken for a step at most `nextStep`. */
  getSandboxSnapshot(runId: string, subDagIndex: number, nextStep: number): Promise<SandboxSnapshot | undefined>;

  saveEpisode(episode: EpisodeRecord): Promise<void>;
  getEpisode(runId: string, subDagIndex: number): Promise<EpisodeRecord | undefined>;
  listEpisodes(runId: string): Promise<EpisodeRecord[]>;

  /**
   * Replaces the candidate tasks written from one sub-DAG (synthesis is deterministic, so a retry
   * writes the same) and marks the sub-DAG synthesized, even when it yielded no task.
   */
  saveTasks(runId: string, subDagIndex: number, tasks: Task[]): Promise<void>;
  listTasks(runId: string): Promise<Task[]>;
  /** Candidate counts of the sub-DAGs whose synthesis has run, by sub-DAG index. */
  listSynthesized(runId: string): Promise<Map<number, number>>;

  /** Replaces every verdict of the run: verification always judges all candidates together. */
  saveVerdicts(runId: string, verdicts: Verdict[]): Promise<void>;
  listVerdicts(runId: string): Promise<Verdict[]>;

  /** Keeps the first round stored per (subject, round): a retry that repeated it again changes nothing. */
  saveLiveRepeat(runId: string, repeat: LiveRepeat): Promise<void>;
  getLiveRepeat(runId: string, subject: string, round: number): Promise<LiveRepeat | undefined>;
  listLiveRepeats(runId: string): Promise<LiveRepeat[]>;

  /** Keeps the first result per (audit, task): a retried audit batch finds what it already checked. */
  saveAuditResult(runId: string, result: AuditResult): Promise<void>;
  listAuditResults(runId: string, auditId?: string): Promise<AuditResult[]>;
  /** Tasks whose latest audit found them no longer holding, with that audit's reason: never exported again. */
  listStaleTasks(runId: string): Promise<Map<string, string>>;

  /**
   * Adds one model response's tokens. Not idempotent on purpose: an activity retried after a
   * response was paid for spent those tokens again, and the ledger must say so.
   */
  addLlmUsage(runId: string, record: LlmUsageRecord): Promise<void>;
  listLlmUsage(runId: string): Promise<LlmUsageRecord[]>;
  /**
   * A model's answer kept per (stage, subject), so that an activity retried after a rate limit does
   * not pay for what an earlier attempt already got (e.g. the judge's verdict on one task).
   */
  saveLlmAnswer(runId: string, stage: string, subject: string, answer: JsonValue): Promise<void>;
  getLlmAnswer(runId: string, stage: string, subject: string): Promise<JsonValue | undefined>;
  /** Keeps the latest rejection per (stage, subject): a retry that rejects again replaces it. */
  recordLlmRejection(runId: string, rejection: LlmRejection): Promise<void>;
  listLlmRejections(runId: string): Promise<LlmRejection[]>;

  /**
   * The simulator's generated answers for replay, per run and call (tool, canonical arguments,
   * state): the first stored wins, and `putGeneratedAnswer` returns whichever is stored.
   */
  getGeneratedAnswer(runId: string, key: GenerationKey): Promise<GeneratedAnswer | undefined>;
  putGeneratedAnswer(runId: string, key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer>;

  close(): Promise<void>;
}
