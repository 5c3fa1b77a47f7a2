import {
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import {
  failureTypes,
  llmTaskQueue,
  progressQuery,
  searchAttributes,
  subDagWorkflowId,
  type GenerateServerDatasetInput,
  type RunProgress,
  type RunSummary,
  type RunUsage,
  type Stage,
} from '../src/api.js';
import { exploreSubDag } from './explore-sub-dag.js';
import { rootApplicationFailure, rootMessage } from './failures.js';
import { runOptions, type RunOptions } from './options.js';
import { runDetails, subDagSummary } from './run-details.js';

/** Marks a failed run `failed` (its search attribute and details): histories from before it never did. */
const FAILED_STAGE_PATCH = 'failed-stage';

const quick = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
});
/** The probe and tool graph: an episode of real calls, heartbeating after each. */
const graphStage = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});
/**
 * Verification and export: long over a large run, so bounded by 2 hours; they heartbeat on a timer,
 * so a dead worker costs 2 minutes, not the 2 hours (the margin covers long synchronous writes).
 */
const datasetStage = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** A run with models builds its graph and verifies on the LLM task queue, with room for rate limits. */
function llmStageOptions(startToCloseTimeout: string, heartbeatTimeout?: string) {
  return {
    taskQueue: llmTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout,
    ...(heartbeatTimeout ? { heartbeatTimeout } : {}),
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  };
}

/** The proxies of the graph and dataset stages for this run: the LLM task queue's when it has models. */
function stagesFor(progress: RunProgress) {
  if (progress.llm.models.provider === 'offline') return { graphStage, datasetStage };
  return {
    graphStage: proxyActivities<Activities>(llmStageOptions('30 minutes', '30 seconds')),
    datasetStage: proxyActivities<Activities>(llmStageOptions('2 hours', '2 minutes')),
  };
}

/** What a continued run carries over; everything else is read back from the store. */
interface Carried {
  progress: RunProgress;
  /** Sub-DAGs that failed in an earlier history of this run: tried once more when the others are done. */
  failed: number[];
  /** Whether that one more try has happened. */
  retriedFailed?: boolean;
}

/**
 * One server's generation: validate → discover → tool graph → sub-DAGs → one child workflow per
 * sub-DAG. Every stage is idempotent against the store, keyed by the workflow ID, so a run reset or
 * started again under the same ID skips what is already recorded.
 */
export async function generateServerDataset(input: GenerateServerDatasetInput, carried?: Carried): Promise<RunSummary> {
  const runId = workflowInfo().workflowId;
  const progress: RunProgress = carried?.progress ?? emptyProgress(runId);
  // Progress carried over from a history written before models were configurable has no `llm`.
  progress.llm ??= { models: { provider: 'offline' }, usage: null };
  setHandler(progressQuery, () => progress);
  try {
    return await generate(input, carried, progress);
  } catch (error) {
    if (!(error instanceof ContinueAsNew) && !isCancellation(error) && patched(FAILED_STAGE_PATCH)) {
      progress.failure = { stage: progress.stage, message: rootMessage(error) };
      setStage(progress, 'failed');
    }
    throw error;
  }
}

async function generate(input: GenerateServerDatasetInput, carried: Carried | undefined, progress: RunProgress): Promise<RunSummary> {
  const runId = progress.runId;
  const options = runOptions(input);
  if (!carried) await prepare(input, options, progress);

  setStage(progress, 'exploring');
  const failed = new Set(carried?.failed ?? []);
  let retriedFailed = carried?.retriedFailed ?? false;
  let finished = await explore(runId, options, progress, failed);
  if (finished && failed.size > 0 && !retriedFailed) {
    // Sub-DAGs that outlasted their retries get one more try once the others are done: a passing
    // outage costs them a delay, not their place in the dataset.
    retriedFailed = true;
    failed.clear();
    finished = await explore(runId, options, progress, failed);
  }
  if (!finished) {
    progress.continuations += 1;
    return await continueAsNew<typeof generateServerDataset>(input, { progress, failed: [...failed], retriedFailed });
  }

  setStage(progress, 'verifying');
  const verification = await stagesFor(progress).datasetStage.verifyTasks.executeWithOptions(
    { summary: `verify ${progress.tasks.candidates} candidate tasks: every check, then the live stable check` },
    [{ runId }],
  );
  progress.tasks = { candidates: verification.candidates, verified: verification.verified };
  noteUsage(progress, verification.usage);
  setStage(progress, 'exporting');
  const dataset = await datasetStage.exportDataset.executeWithOptions({ summary: 'write the dataset files, card and report.html' }, [{ runId }]);
  setStage(progress, 'summarizing');
  const summary = await quick.summarizeRun({ runId, failed: [...failed], verification, dataset });
  Object.assign(progress, { calls: summary.calls, linkedCalls: summary.linkedCalls, errors: summary.errors });
  // A summary recorded before models were configurable has no `llm`.
  if (summary.llm && summary.llm.models.provider !== 'offline') noteUsage(progress, summary.llm.usage);
  setStage(progress, 'done');
  return summary;
}

async function prepare(input: GenerateServerDatasetInput, options: RunOptions, progress: RunProgress): Promise<void> {
  const runId = progress.runId;
  setStage(progress, 'validating');
  const run = await failRunOnFatal(quick.prepareRun({ runId, server: input.server, options }));
  progress.server = run.serverName;
  // Runs recorded before models were configurable have no `llm` in prepareRun's result.
  progress.llm.models = run.llm ?? { provider: 'offline' };
  setStage(progress, 'discovering');
  progress.tools = await failRunOnFatal(quick.discoverTools({ runId }));
  setStage(progress, 'building-graph');
  const { usage, ...graph } = await failRunOnFatal(
    stagesFor(progress).graphStage.buildToolGraph.executeWithOptions(
      { summary: `probe ${progress.tools.usable} usable tools and judge which outputs feed which inputs` },
      [{ runId, seed: options.seed }],
    ),
  );
  progress.graph = graph;
  noteUsage(progress, usage);
  setStage(progress, 'sampling');
  progress.subDags.total = (await failRunOnFatal(quick.sampleSubDags({ runId, count: options.subDagCount, seed: options.seed, ...(options.extend ? { extend: true } : {}) }))).total;
}

/**
 * Explores the sub-DAGs the store does not show as done, skipping those in `failed` (and adding new
 * failures to it); false when it stopped early so that the history can start afresh.
 */
async function explore(runId: string, options: RunOptions, progress: RunProgress, failed: Set<number>): Promise<boolean> {
  const status = await quick.explorationStatus({ runId, labelsFor: { first: options.explorationsPerHistory, skip: [...failed] } });
  Object.assign(progress, { calls: status.calls, linkedCalls: status.linkedCalls, errors: status.errors });
  progress.tasks.candidates = status.candidates;
  progress.subDags = { total: status.total, done: status.done.length, failed: failed.size, inFlight: 0 };
  publish(progress);

  const done = new Set(status.done);
  const pending = Array.from({ length: status.total }, (_, i) => i).filter((i) => !done.has(i) && !failed.has(i));
  const inFlight = new Set<Promise<void>>();
  let fatal: ApplicationFailure | undefined;
  let started = 0;

  for (const index of pending) {
    if (started >= options.explorationsPerHistory || workflowInfo().continueAsNewSuggested) break;
    while (inFlight.size >= options.maxConcurrentExplorations && !fatal) await Promise.race(inFlight);
    if (fatal) break;
    const child = exploreOne(runId, index, status.total, status.labels?.[index], progress, failed).catch((error: unknown) => {
      fatal = error as ApplicationFailure;
    });
    const tracked: Promise<void> = child.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    started += 1;
  }
  await Promise.all(inFlight);
  if (fatal) throw fatal;
  return progress.subDags.done + failed.size >= status.total;
}

async function exploreOne(
  runId: string,
  index: number,
  total: number,
  label: string | undefined,
  progress: RunProgress,
  failed: Set<number>,
): Promise<void> {
  progress.subDags.inFlight += 1;
  // Details only (no command): the count of running children is right while they run.
  setCurrentDetails(runDetails(progress));
  try {
    const episode = await startChildOnceFree(runId, index, total, label, progress);
    progress.subDags.done += 1;
    progress.calls += episode.calls;
    progress.linkedCalls += episode.linkedCalls;
    progress.errors += episode.errors;
    progress.tasks.candidates += episode.candidates;
    noteUsage(progress, episode.usage);
  } catch (error) {
    const cause = rootApplicationFailure(error);
    if (cause?.type === failureTypes.explorationFatal) {
      throw ApplicationFailure.create({ type: failureTypes.explorationFatal, message: rootMessage(error), nonRetryable: true });
    }
    // Transient faults that outlasted their retries lose one sub-DAG, not the run; a resumed run tries it again.
    failed.add(index);
    progress.subDags.failed = failed.size;
  } finally {
    progress.subDags.inFlight -= 1;
    publish(progress);
  }
}

/**
 * Runs a sub-DAG's child. A child of the same ID still closing (its parent was just reset or
 * terminated) makes the start fail: wait and start again rather than lose the sub-DAG.
 */
async function startChildOnceFree(runId: string, index: number, total: number, label: string | undefined, progress: RunProgress) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeChild(exploreSubDag, {
        workflowId: subDagWorkflowId(runId, index),
        args: [{ runId, subDagIndex: index, ...(label ? { label } : {}), ...(progress.llm.models.provider === 'offline' ? {} : { models: true }) }],
        staticSummary: subDagSummary(index, total, label),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 10) throw error;
      await sleep('5 seconds');
    }
  }
}

/**
 * A stage that failed after its retries fails the run, with the innermost message: with no sub-DAGs
 * yet there is nothing to go on with. Its type says what failed when the cause names none.
 */
async function failRunOnFatal<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    const cause = rootApplicationFailure(error);
    throw ApplicationFailure.create({
      type: cause?.type ?? 'StageFailed',
      message: rootMessage(error),
      nonRetryable: true,
    });
  }
}

/**
 * Keeps the latest of the run's spend snapshots (activities report the store's running total, so the
 * one with the most calls is the newest) and shows it in the memo, where the Web UI lists it.
 */
function noteUsage(progress: RunProgress, usage: RunUsage | null | undefined): void {
  if (!usage || (progress.llm.usage && progress.llm.usage.total.calls >= usage.total.calls)) return;
  progress.llm.usage = usage;
  const { total } = usage;
  upsertMemo({
    llm: {
      ...progress.llm.models,
      calls: total.calls,
      tokens: { input: total.inputTokens, output: total.outputTokens, cacheRead: total.cacheReadTokens, cacheWrite: total.cacheWriteTokens },
      costUsd: total.costUsd,
    },
  });
}

function setStage(progress: RunProgress, stage: Stage): void {
  progress.stage = stage;
  publish(progress);
}

/** Search attributes for the Web UI's run list, and a short summary in the run's details. */
function publish(progress: RunProgress): void {
  upsertSearchAttributes([
    { key: searchAttributes.stage, value: progress.stage },
    { key: searchAttributes.server, value: progress.server || 'unknown' },
    { key: searchAttributes.subDagsTotal, value: progress.subDags.total },
    { key: searchAttributes.subDagsDone, value: progress.subDags.done },
    { key: searchAttributes.calls, value: progress.calls },
  ]);
  setCurrentDetails(runDetails(progress));
}

function emptyProgress(runId: string): RunProgress {
  return {
    runId,
    server: '',
    stage: 'validating',
    tools: { discovered: 0, usable: 0 },
    graph: { edges: 0, high: 0, medium: 0, low: 0 },
    subDags: { total: 0, done: 0, failed: 0, inFlight: 0 },
    calls: 0,
    linkedCalls: 0,
    errors: 0,
    tasks: { candidates: 0, verified: 0 },
    continuations: 0,
    llm: { models: { provider: 'offline' }, usage: null },
  };
}
