/**
 * A run's models, as its activities use them. The run's resolved LLM configuration is stored with
 * the run (prepareRun), so every activity, on any worker, picks the same provider and models; an
 * offline run gets undefined and each stage keeps its offline implementation.
 *
 * Every client is metered into the store (tokens survive restarts and count retries) and shares the
 * run's rate limiter in this worker process.
 */
import type { JsonValue } from '../src/domain.js';
import { LlmConfigError, priceTableOf, type LlmConfig, type OnlineLlmConfig } from '../src/llm/config.js';
import { createLlmClient } from '../src/llm/create-client.js';
import { meteredClient } from '../src/llm/metered-client.js';
import { limitedClient, RateLimiter } from '../src/llm/rate-limiter.js';
import { isLlmStage, type LlmStage } from '../src/llm/stages.js';
import type { LlmClient } from '../src/llm/types.js';
import { UsageLedger, type LedgerSnapshot } from '../src/llm/usage-ledger.js';
import type { RunRecord } from '../src/store/store.js';
import type { ActivityDeps } from './deps.js';

/** Where the resolved configuration sits in the run's stored options (beside `llm`, as the input gave it). */
export const STORED_LLM_KEY = 'resolvedLlm';

export interface RunLlm {
  config: OnlineLlmConfig;
  /** The stage's client: its model, metered, rate-limited. */
  client(stage: LlmStage): LlmClient;
  /** Keeps model output a stage could not use, with the reason, for a person to read. */
  reject(stage: LlmStage, subject: string, reason: string, detail: JsonValue): Promise<void>;
}

/** The run's resolved configuration; runs recorded before models were configurable are offline. */
export function storedLlmConfig(run: RunRecord): LlmConfig {
  const stored = (run.options as Record<string, unknown> | null)?.[STORED_LLM_KEY] as LlmConfig | undefined;
  return stored?.provider === 'anthropic' || stored?.provider === 'openai-compatible' ? stored : { provider: 'offline' };
}

/**
 * The models of a run that was prepared before (it is being resumed): the ones it started with,
 * whatever this worker's environment says now, so that its dataset has one provenance. Other
 * settings than it started with are refused, naming the field.
 */
export function keptLlmConfig(run: RunRecord, requested: unknown): LlmConfig {
  const started = (run.options as Record<string, unknown> | null)?.llm;
  if (JSON.stringify(started ?? null) !== JSON.stringify(requested ?? null)) {
    throw new LlmConfigError(
      'llm',
      `run ${run.runId} was started with ${started === undefined ? 'no llm settings' : `llm ${JSON.stringify(started)}`} and keeps its models, ` +
        'so that its dataset has one provenance: resume it with the same llm settings, or start a new workflow ID for other models.',
    );
  }
  return storedLlmConfig(run);
}

/** The run's models, or undefined when the run is offline. */
export function runLlmOf(deps: ActivityDeps, run: RunRecord): RunLlm | undefined {
  const config = storedLlmConfig(run);
  if (config.provider === 'offline') return undefined;
  const limiter = limiterOf(run.runId, config);
  return {
    config,
    client: (stage) =>
      meteredClient(limitedClient(createLlmClient(config, stage, deps.env)!, limiter), stage, (usageStage, model, usage) =>
        deps.store.addLlmUsage(run.runId, { stage: usageStage, model, calls: 1, ...usage }),
      ),
    reject: (stage, subject, reason, detail) => deps.store.recordLlmRejection(run.runId, { stage, subject, reason, detail }),
  };
}

/** The stages that make the dataset; `simulate` and `agent` spend tokens later, in replays of it. */
const GENERATION_STAGES: readonly LlmStage[] = ['judge', 'explore', 'synthesize', 'verify'];

/**
 * What generating the run's dataset has cost so far, per stage and model, priced with the run's
 * table. Replays of the run (their agents and generated answers) are billed to the same store but
 * not counted here: they are an evaluation's cost, not the dataset's.
 */
export async function runUsage(deps: ActivityDeps, run: RunRecord): Promise<LedgerSnapshot> {
  const ledger = new UsageLedger(priceTableOf(storedLlmConfig(run)));
  for (const row of await deps.store.listLlmUsage(run.runId)) {
    if (isLlmStage(row.stage) && GENERATION_STAGES.includes(row.stage)) ledger.add(row.stage, row.model, row, row.calls);
  }
  return ledger.snapshot();
}

/** The run's spend so far for a run with models, null for an offline one: what activities report to the workflow. */
export async function reportedUsage(deps: ActivityDeps, run: RunRecord): Promise<LedgerSnapshot | null> {
  return storedLlmConfig(run).provider === 'offline' ? null : runUsage(deps, run);
}

/** The planner's name as artifacts record it: `offline`, or the provider and the explorer's model. */
export function plannerName(config: LlmConfig): string {
  return config.provider === 'offline' ? 'offline' : `${config.provider}:${config.models.explore}`;
}

/**
 * One limiter per run and endpoint in this process, so that a run's caps hold across its concurrent
 * activities, and a replay's agent model and the run's own models (another endpoint, other caps)
 * never share or replace each other's.
 */
const limiters = new Map<string, RateLimiter>();
const LIMITERS_KEPT = 64;

function limiterOf(runId: string, config: OnlineLlmConfig): RateLimiter {
  const key = JSON.stringify([runId, config.provider, config.baseURL, config.maxConcurrent, config.requestsPerMinute ?? null]);
  const existing = limiters.get(key);
  if (existing) return existing;
  if (limiters.size >= LIMITERS_KEPT) limiters.delete(limiters.keys().next().value!);
  const limiter = new RateLimiter({ maxConcurrent: config.maxConcurrent, ...(config.requestsPerMinute === undefined ? {} : { requestsPerMinute: config.requestsPerMinute }) });
  limiters.set(key, limiter);
  return limiter;
}
