import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Provenance, Task } from '../src/domain.js';
import type { OnlineLlmConfig } from '../src/llm/config.js';
import { LlmConfigError, priceTableOf } from '../src/llm/config.js';
import { createLlmClient } from '../src/llm/create-client.js';
import { LlmAgentPolicy } from '../src/llm/stages/llm-agent-policy.js';
import { UsageLedger, type LedgerSnapshot } from '../src/llm/usage-ledger.js';
import { runPolicy, type BuiltInPolicy, type PolicyName } from '../src/replay/policies.js';
import { parseServerSpec } from '../src/mcp/spec.js';
import { replayLlmConfig } from '../src/replay/replay-llm.js';
import { reward } from '../src/replay/reward.js';
import { attemptTask, emptyTally, withAttempts, type SampledTally } from '../src/replay/sampled-replay.js';
import type { RunRecord } from '../src/store/store.js';
import { failureTypes } from '../src/api.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { runLlmOf, STORED_LLM_KEY, storedLlmConfig } from './run-llm.js';
import { simulatorOf } from './run-simulator.js';
import { verifiedTasks } from './verified-tasks.js';

export interface ReplayBatchInput {
  runId: string;
  policy: PolicyName;
  offset: number;
  limit: number;
  /** llm-agent: attempts per task. */
  samples?: number;
  /** llm-agent: the model, as resolveReplayLlm resolved it. */
  llm?: OnlineLlmConfig;
}

export interface ReplayCounts {
  tasks: number;
  /** Attempts that earned reward 1 (one per task for the deterministic policies). */
  passed: number;
  provenance: Record<Provenance, number>;
  /** A few tasks that scored 0, for a person to look at. */
  failedExamples: string[];
  /** llm-agent: the per-sample tally. */
  sampled?: SampledTally['sampled'];
  /** llm-agent: what the counted attempts cost. */
  usage?: LedgerSnapshot;
}

/** Replays a slice of the run's verified tasks against the simulator with one policy, and scores them. */
export function replayTaskBatchActivity(deps: ActivityDeps) {
  return async function replayTaskBatch(input: ReplayBatchInput): Promise<ReplayCounts> {
    if (input.policy === 'llm-agent') return withFailureMapping(() => llmAgentBatch(deps, input));
    return builtInBatch(deps, input, input.policy);
  };
}

async function builtInBatch(deps: ActivityDeps, input: ReplayBatchInput, policy: BuiltInPolicy): Promise<ReplayCounts> {
  const verified = await verifiedTasks(deps, input.runId);
  const batch = verified.slice(input.offset, input.offset + input.limit);
  const simulator = await simulatorOf(deps, input.runId);
  const tools = new Map(simulator.cache.tools.map((t) => [t.name, t]));
  // The baseline gets the spec's hints, as the explorer did: it is scored on choosing, not on guessing.
  const run = await deps.store.getRun(input.runId);
  const hints = run ? parseServerSpec(run.spec).argumentHints : {};
  const counts: ReplayCounts = { tasks: 0, passed: 0, provenance: { exact: 0, retrieved: 0, generated: 0, none: 0 }, failedExamples: [] };
  for (const task of batch) {
    const outcome = await runPolicy(policy, task, simulator, tools, hints);
    counts.tasks += 1;
    if (reward(task, outcome.answer) === 1) counts.passed += 1;
    else if (counts.failedExamples.length < 5) counts.failedExamples.push(task.id);
    for (const p of outcome.provenance) counts.provenance[p] += 1;
    Context.current().heartbeat(counts.tasks);
  }
  return counts;
}

/** Where a retried llm-agent batch resumes: after the last task whose every attempt is counted. */
interface LlmBatchCheckpoint {
  done: number;
  tally: SampledTally;
  usage: LedgerSnapshot;
}

/**
 * A model solves each task of the slice `samples` times. Its client is the run's kind: metered into
 * the run's store under stage `agent` (every billed call, retries included) and rate-limited with
 * the run's other model work in this process; the batch's own ledger counts what the score counts.
 */
async function llmAgentBatch(deps: ActivityDeps, input: ReplayBatchInput): Promise<ReplayCounts> {
  const { llm, samples = 1 } = input;
  if (llm === undefined) throw ApplicationFailure.nonRetryable('an llm-agent batch needs the resolved model (input.llm): start replayTasks, which resolves it', failureTypes.invalidInput);
  const context = Context.current();
  const run = await deps.store.getRun(input.runId);
  if (run === undefined) throw ApplicationFailure.nonRetryable(`run ${input.runId} is not in the store`, failureTypes.invalidInput);
  const batch = (await verifiedTasks(deps, input.runId)).slice(input.offset, input.offset + input.limit);
  const prices = priceTableOf(llm);
  const resumed = context.info.heartbeatDetails as LlmBatchCheckpoint | undefined;
  if (resumed) context.log.info('resuming llm-agent batch', { offset: input.offset, done: resumed.done });
  let checkpoint: LlmBatchCheckpoint = resumed ?? { done: 0, tally: emptyTally(samples), usage: new UsageLedger(prices).snapshot() };
  // The agent's tokens and those of the answers generated for it: what this evaluation cost.
  const ledger = UsageLedger.fromSnapshot(checkpoint.usage, prices);
  // Calls no recording is close to are answered by the run's simulate model, when the run has one.
  const simulator = await simulatorOf(deps, input.runId, { generate: true, signal: context.cancellationSignal, ledger });
  const policy = new LlmAgentPolicy({
    client: runLlmOf(deps, withModel(run, llm))!.client('agent'),
    tools: new Map(simulator.cache.tools.map((t) => [t.name, t])),
    ledger,
  });
  const solve = (task: Task) => {
    // A closed workflow or a cancelled replay stops the spending between attempts.
    context.cancellationSignal.throwIfAborted();
    return policy.solve(task, simulator);
  };

  await whileHeartbeating(async () => {
    for (const task of batch.slice(checkpoint.done)) {
      const attempts = await attemptTask(task, samples, solve);
      checkpoint = { done: checkpoint.done + 1, tally: withAttempts(checkpoint.tally, attempts), usage: ledger.snapshot() };
      context.heartbeat(checkpoint);
    }
  }, () => checkpoint);
  return { ...checkpoint.tally, usage: checkpoint.usage };
}

/** The run as runLlmOf reads it, with the replay's model in place of the run's own configuration. */
function withModel(run: RunRecord, llm: OnlineLlmConfig): RunRecord {
  const options = typeof run.options === 'object' && run.options !== null && !Array.isArray(run.options) ? run.options : {};
  return { ...run, options: { ...options, [STORED_LLM_KEY]: llm as never } };
}

export interface ResolveReplayLlmInput {
  runId: string;
  /** The replay input's `llm`, as given. */
  llm?: unknown;
}

export interface ReplayModel {
  provider: OnlineLlmConfig['provider'];
  /** The agent stage's model. */
  model: string;
  config: OnlineLlmConfig;
}

/**
 * Resolves the model llm-agent evaluates, on a worker of the LLM task queue (defaults and the key
 * depend on its environment), before any batch runs; a bad or missing one fails naming input.llm.
 */
export function resolveReplayLlmActivity(deps: ActivityDeps) {
  return async function resolveReplayLlm(input: ResolveReplayLlmInput): Promise<ReplayModel> {
    return withFailureMapping(async () => {
      const run = await deps.store.getRun(input.runId);
      if (run === undefined) throw ApplicationFailure.nonRetryable(`run ${input.runId} is not in the store`, failureTypes.invalidInput);
      const stored = storedLlmConfig(run);
      const config = replayLlmConfig(input.llm, { runId: run.runId, llm: stored }, deps.env);
      // Makes no request: refuses here, not in every batch, a key this worker does not have.
      createLlmClient(config, 'agent', deps.env);
      // The run's own simulate model answers the simulator's misses in llm-agent batches: its key too.
      if (stored.provider !== 'offline') {
        try {
          createLlmClient(stored, 'simulate', deps.env);
        } catch (error) {
          if (!(error instanceof LlmConfigError)) throw error;
          throw new LlmConfigError(error.field, `(the run's simulate model, which answers the simulator's misses) ${error.message.slice(error.field.length + 2)}`);
        }
      }
      return { provider: config.provider, model: config.models.agent, config };
    });
  };
}

export function countVerifiedTasksActivity(deps: ActivityDeps) {
  return async function countVerifiedTasks(input: { runId: string }): Promise<number> {
    return (await verifiedTasks(deps, input.runId)).length;
  };
}
