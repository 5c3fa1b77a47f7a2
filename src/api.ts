/**
 * What clients, the worker and workflow code share: names, input and output shapes, the progress
 * query and the search attributes the Web UI lists runs by. Workflow-safe: no Node imports.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
// Types only, erased from the workflow bundle.
import type { LlmStage } from './llm/stages.js';
import type { LedgerSnapshot } from './llm/usage-ledger.js';
import type { RunReliability } from './verify/reliability.js';

export const TASK_QUEUE = 'firefly';

export interface GenerateServerDatasetInput {
  /** A server spec (see examples/). Validated before anything starts. */
  server: unknown;
  /** How many sub-DAGs to explore (default 12). */
  subDagCount?: number;
  /** Seeds sampling and the offline planner (default 1). */
  seed?: number;
  /** Child workflows exploring at once (default 4). */
  maxConcurrentExplorations?: number;
  /** Continue-as-new after this many explorations in one run of the history (default 100). */
  explorationsPerHistory?: number;
  /** Whether tools annotated destructiveHint: true may be called live, in their sandbox (default false). */
  allowDestructive?: boolean;
  /** A tool policy (see src/policy/parse.ts), given inline… */
  policy?: unknown;
  /** …or as a JSON file, relative to the worker's project root or absolute. */
  policyFile?: string;
  /**
   * Which models drive the stages (see src/llm/config.ts): e.g. {"provider": "anthropic"} or
   * {"provider": "openai-compatible", "baseURL": "http://127.0.0.1:8000/v1", "model": "qwen2.5"}.
   * Default: Anthropic when the worker has ANTHROPIC_API_KEY, otherwise the offline stages.
   */
  llm?: unknown;
  /**
   * Grow a recorded run: with a larger subDagCount than it was started with, add sub-DAGs after its
   * own, keeping every sub-DAG, task and verdict it recorded (default false: other inputs under a
   * recorded workflow ID are refused).
   */
  extend?: boolean;
}

/** Which provider and models a run uses; `offline` runs use no model. */
export type RunModels = { provider: 'offline' } | { provider: 'anthropic' | 'openai-compatible'; models: Record<LlmStage, string> };

/** Tokens and cost so far, per stage and model and in total. */
export type RunUsage = LedgerSnapshot;

/** An LLM run's activities go to this queue beside the run's own, so their workers can be capped apart. */
export function llmTaskQueue(taskQueue: string): string {
  return `${taskQueue}-llm`;
}

export type Stage =
  | 'validating'
  | 'discovering'
  | 'building-graph'
  | 'sampling'
  | 'exploring'
  | 'verifying'
  | 'exporting'
  | 'summarizing'
  | 'done'
  /** Terminal: the run failed; `RunProgress.failure` keeps the stage it failed in. */
  | 'failed';

export interface RunProgress {
  runId: string;
  server: string;
  stage: Stage;
  /** Warnings: policy patterns that match none of the server's tools. */
  tools: { discovered: number; usable: number; warnings?: string[] };
  graph: { edges: number; high: number; medium: number; low: number };
  subDags: { total: number; done: number; failed: number; inFlight: number };
  calls: number;
  linkedCalls: number;
  errors: number;
  /** Candidate tasks written so far, and how many passed verification (once it ran). */
  tasks: { candidates: number; verified: number };
  /** How many times this run continued as new to keep its history small. */
  continuations: number;
  /** Set when the run failed: the stage it was in and the innermost message. */
  failure?: { stage: Stage; message: string };
  /** The run's models and what they have cost so far (null until a model answered). */
  llm: { models: RunModels; usage: RunUsage | null };
}

export interface RunSummary {
  runId: string;
  server: string;
  planner: string;
  tools: RunProgress['tools'];
  /**
   * `strongStarts`: tools with two or more high-confidence successors, where sub-DAGs start first;
   * 0 says the graph has none, so sampling started wherever it could. Absent in older summaries.
   */
  graph: RunProgress['graph'] & { strongStarts?: number };
  subDags: { total: number; explored: number; failed: number[] };
  calls: number;
  linkedCalls: number;
  errors: number;
  tasks: { candidates: number; verified: number; rejectedByCheck: Partial<Record<string, number>> };
  /** The exported dataset: its directory and what it holds. */
  dataset: { dir: string; tasks: number; meanCallsPerTask: number; shareWithThreeOrMoreCalls: number };
  /** Where the records are: the store file and the run's key in it. */
  store: { location: string; runId: string };
  /**
   * Outputs found volatile, tools found broken, and what the live stable check cost (tasks, fresh
   * executions, live calls, wall time summed over them). Absent in summaries recorded before it existed.
   */
  reliability?: RunReliability;
  /** The models of each stage and what the run spent, in total and per verified task. */
  llm: RunCost;
}

/** The client's view of the generation workflow (its continue-as-new carry is internal). */
export type GenerateServerDatasetWorkflow = (input: GenerateServerDatasetInput) => Promise<RunSummary>;

export interface RunCost {
  models: RunModels;
  usage: RunUsage;
  /** Null when no task was verified. */
  perVerifiedTask: { tokens: number; costUsd: number } | null;
}

/** Input of auditDataset: which run to re-execute live, all of it or a seeded sample. */
export interface AuditDatasetInput {
  runId: string;
  /** How many exported tasks to re-execute (default: all). */
  sample?: number;
  /** Chooses the sample (default 1). */
  seed?: number;
  /** Export the dataset again at the end, without the tasks found stale (default false). */
  reexport?: boolean;
}

/** Input of one sub-DAG's child workflow. */
export interface ExploreSubDagInput {
  runId: string;
  subDagIndex: number;
  /** Its tools as a person reads them (`read_graph → open_nodes`), for its activities' summaries. */
  label?: string;
  /** Set when the run has models: its activities then go to the LLM task queue. */
  models?: boolean;
}

export const progressQuery = defineQuery<RunProgress>('progress');

export const searchAttributes = {
  stage: defineSearchAttributeKey('FireflyStage', SearchAttributeType.KEYWORD),
  server: defineSearchAttributeKey('FireflyServer', SearchAttributeType.KEYWORD),
  subDagsTotal: defineSearchAttributeKey('FireflySubDagsTotal', SearchAttributeType.INT),
  subDagsDone: defineSearchAttributeKey('FireflySubDagsDone', SearchAttributeType.INT),
  calls: defineSearchAttributeKey('FireflyCalls', SearchAttributeType.INT),
  /** A fleet's workflow ID, on the fleet and on each of its server runs. */
  fleet: defineSearchAttributeKey('FireflyFleet', SearchAttributeType.KEYWORD),
  serversDone: defineSearchAttributeKey('FireflyServersDone', SearchAttributeType.DOUBLE),
  serversFailed: defineSearchAttributeKey('FireflyServersFailed', SearchAttributeType.DOUBLE),
  /** A fleet's verified tasks so far. */
  tasks: defineSearchAttributeKey('FireflyTasks', SearchAttributeType.DOUBLE),
};

/** Failure types a workflow matches on; named once. */
export const failureTypes = {
  invalidInput: 'InvalidInput',
  serverLaunch: 'ServerLaunchError',
  explorationFatal: 'ExplorationFatal',
  /** A live call the run's tool policy refuses: a bug or a policy changed mid-run, never retried. */
  policyRefused: 'PolicyRefused',
  /** A model refused one request (400, e.g. a prompt too long for a small local model): that sub-DAG is lost, not the run. */
  llmBadRequest: 'LlmBadRequest',
} as const;

/** Child workflow IDs derive from the parent's, so a resumed run finds its children again. */
export function subDagWorkflowId(parentWorkflowId: string, subDagIndex: number): string {
  return `${parentWorkflowId}/sub-dag-${subDagIndex}`;
}

/**
 * The policies replayTasks can run; named here so that workflow code need not import the domain.
 * `reference` and `offline-agent` are deterministic and run each task once; `llm-agent` is a model
 * solving each task against the simulator, `samples` times.
 */
export const REPLAY_POLICIES = ['reference', 'offline-agent', 'llm-agent'] as const;
export type ReplayPolicy = (typeof REPLAY_POLICIES)[number];
/** What replayTasks runs when `policies` is not given: the free ones (llm-agent costs tokens). */
export const DEFAULT_REPLAY_POLICIES: readonly ReplayPolicy[] = ['reference', 'offline-agent'];
/** The most samples per task llm-agent takes. */
export const MAX_REPLAY_SAMPLES = 20;

export interface ReplayTasksInput {
  /** The generation run whose verified tasks to replay (its workflow ID). */
  runId: string;
  /** Which policies to run (default: reference and offline-agent). */
  policies?: ReplayPolicy[];
  /** Tasks per activity (default 50; llm-agent 5, as each of its tasks is `samples` conversations). */
  batchSize?: number;
  /** llm-agent: attempts per task, the k of pass@k (default 1, at most 20). The other policies run once. */
  samples?: number;
  /**
   * llm-agent: the model to evaluate, in the shape of the run input's `llm` (see src/llm/config.ts),
   * resolved on the worker, e.g. {"provider": "openai-compatible", "baseURL": "http://127.0.0.1:8000/v1",
   * "model": "qwen3-4b"}; its `agent` stage is the model. Default: the run's own agent model; an
   * offline run has none, so it must be given.
   */
  llm?: unknown;
}

export interface PolicyScore {
  policy: ReplayPolicy;
  tasks: number;
  /** Attempts per task: `samples` for llm-agent, 1 for the others. */
  samples: number;
  /** Attempts that earned reward 1, over every task and sample. */
  passed: number;
  /** passed / (tasks × samples): pass@1. */
  passRate: number;
  /** pass@1 and pass@k (k = samples), with the unbiased estimator over each task's samples. */
  passAt1: number;
  passAtK: number;
  /** passedBySample[j]: tasks whose j-th attempt earned reward 1. */
  passedBySample: number[];
  /** tasksByPassCount[c]: tasks of which exactly c attempts earned reward 1 (c = 0 … samples). */
  tasksByPassCount: number[];
  /** Where the simulator's answers came from, over every call of every attempt. */
  provenance: { exact: number; retrieved: number; generated: number; none: number };
  /** A few tasks that no attempt solved, for a person to look at. */
  failedExamples: string[];
  /**
   * llm-agent: the model evaluated and what the attempts this score counts cost: the agent's tokens
   * (stage `agent`) and those of the answers generated for it (stage `simulate`). The run's store
   * holds every billed call, those of retried attempts included.
   */
  llm?: { provider: 'anthropic' | 'openai-compatible'; model: string; usage: RunUsage };
}

/**
 * A fleet, as its workflow receives it: the fleet file's contents (see src/fleet/fleet-file.ts),
 * e.g. examples/fleet.json.
 */
export type GenerateFleetDatasetInput = unknown;

/** A fleet file, read and checked by an activity: each server's run input, and the fleet's options. */
export interface FleetPlan {
  servers: Array<{ name: string; input: GenerateServerDatasetInput }>;
  seed: number;
  /** The share of the fleet's sub-DAGs to spend across servers (0 for none). */
  crossServerShare: number;
  split: { testShare: number; seed: number; holdOutServers: string[] };
  maxConcurrentServers: number;
}

export type FleetServerStatus = 'pending' | 'running' | 'done' | 'failed';

/** One server's row in a fleet's progress: its run, and what it made or why it failed. */
export interface FleetServerRow {
  name: string;
  runId: string;
  status: FleetServerStatus;
  tasks: number;
  costUsd: number;
  /** Why it failed: the server is quarantined and the fleet goes on without it. */
  error?: string;
}

export type FleetStage = 'validating' | 'generating' | 'cross-server' | 'exporting' | 'done';

export interface FleetProgress {
  fleetId: string;
  stage: FleetStage;
  servers: FleetServerRow[];
  /** The run exploring across servers, once started. */
  crossServer: FleetServerRow | null;
}

export interface FleetSummary {
  fleetId: string;
  servers: FleetServerRow[];
  crossServer: FleetServerRow[];
  dataset: FleetDataset;
}

/** The fleet's one dataset: where it is and the method's figures for it. */
export interface FleetDataset {
  dir: string;
  tasks: number;
  train: number;
  test: number;
  /** Tasks whose reference trajectory passes a value from one server's output into another server's call. */
  crossServerTasks: number;
  servers: number;
  tools: number;
  meanCallsPerTask: number;
  /** Every task's reference trajectory replayed in the fleet's simulator from the files alone: how many earned reward 1. */
  referenceReplay: { tasks: number; passed: number };
}

/** The fleet's `progress` query: the per-server table. */
export const fleetProgressQuery = defineQuery<FleetProgress>('progress');

/** A fleet's server runs are its children, named after it, so a fleet started again finds them. */
export function fleetServerWorkflowId(fleetId: string, server: string): string {
  return `${fleetId}/${server}`;
}
