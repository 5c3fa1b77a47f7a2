/**
 * Which implementation each stage of a run uses: the model-driven one when the run has models
 * (run-llm.ts), otherwise the worker's offline one. Model output a stage cannot use is kept in the
 * store with its reason, so a person can see what the model got wrong.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../src/domain.js';
import type { EdgeJudge } from '../src/graph/edge-judge.js';
import { LlmEdgeJudge } from '../src/llm/stages/llm-edge-judge.js';
import { LlmSynthesizer } from '../src/llm/stages/llm-synthesizer.js';
import { LlmTaskJudge } from '../src/llm/stages/llm-task-judge.js';
import { UsageLedger } from '../src/llm/usage-ledger.js';
import type { RunRecord } from '../src/store/store.js';
import type { Synthesizer } from '../src/synthesize/synthesizer.js';
import type { TaskJudge } from '../src/verify/verify-tasks.js';
import type { ActivityDeps } from './deps.js';
import { runLlmOf, storedLlmConfig, type RunLlm } from './run-llm.js';

// The stages' own ledgers are not the record: every client is metered into the store (run-llm.ts).

export function edgeJudgeOf(deps: ActivityDeps, run: RunRecord): EdgeJudge {
  const llm = runLlmOf(deps, run);
  if (!llm) return deps.edgeJudge;
  const rejections = rejectionLog(llm);
  let count = 0;
  const judge = new LlmEdgeJudge({
    client: llm.client('judge'),
    ledger: new UsageLedger(),
    // Each batch's judgements are kept as they come: a retried graph stage pays only for the rest.
    memo: {
      get: async (batch) => (await deps.store.getLlmAnswer(run.runId, 'judge', batchKey(llm, batch))) as JsonValue[] | undefined,
      put: (batch, judgements) => deps.store.saveLlmAnswer(run.runId, 'judge', batchKey(llm, batch), judgements),
    },
    onRejection: (r) => rejections.record('judge', `batch-${r.batch}/${r.pair ?? r.kind}/${count++}`, r.reason, { ...r }),
  });
  return { name: judge.name, judge: (pairs) => rejections.settled(judge.judge(pairs)) };
}

export function synthesizerOf(deps: ActivityDeps, run: RunRecord): Synthesizer {
  const llm = runLlmOf(deps, run);
  if (!llm) return deps.synthesizer;
  const rejections = rejectionLog(llm);
  const synthesizer = new LlmSynthesizer({
    client: llm.client('synthesize'),
    onReject: (r) => rejections.record('synthesize', `sub-dag-${r.subDagIndex}/proposal-${r.index}`, r.reason, r.proposal),
  });
  return { name: synthesizer.name, synthesize: (episode) => rejections.settled(synthesizer.synthesize(episode)) };
}

/** A batch's key: the judge's model and a digest of the batch's text (pairs, fields, descriptions). */
function batchKey(llm: RunLlm, batch: string): string {
  return `${llm.config.models.judge}/${createHash('sha256').update(batch).digest('hex').slice(0, 32)}`;
}

/** Stages tell of rejections as they happen; their result waits until every one is stored. */
function rejectionLog(llm: RunLlm) {
  const pending: Promise<void>[] = [];
  return {
    record: (...rejection: Parameters<RunLlm['reject']>) => void pending.push(llm.reject(...rejection)),
    settled: async <T>(result: Promise<T>): Promise<T> => {
      const value = await result;
      await Promise.all(pending);
      return value;
    },
  };
}

/**
 * The verification judge: the model of the `verify` stage, or the worker's (none by default). Its
 * verdicts are kept as they come, so that verification retried after a rate limit pays only for the
 * tasks not judged yet.
 */
export function taskJudgeOf(deps: ActivityDeps, run: RunRecord): TaskJudge | undefined {
  const llm = runLlmOf(deps, run);
  if (!llm) return deps.taskJudge;
  const judge = new LlmTaskJudge({ client: llm.client('verify'), ledger: new UsageLedger() });
  return {
    name: judge.name,
    concurrency: llm.config.maxConcurrent,
    judge: async (task) => {
      const subject = `${judge.name}/${task.id}`;
      const kept = (await deps.store.getLlmAnswer(run.runId, 'verify', subject)) as { passed: boolean; reason: string } | undefined;
      if (kept) return kept;
      const verdict = await judge.judge(task);
      await deps.store.saveLlmAnswer(run.runId, 'verify', subject, verdict);
      return verdict;
    },
  };
}

/** The names the dataset records for the synthesizer and the judge, without building any client. */
export function stageNames(deps: ActivityDeps, run: RunRecord): { synthesizer: string; judge?: string } {
  const config = storedLlmConfig(run);
  if (config.provider === 'offline') return { synthesizer: deps.synthesizer.name, ...(deps.taskJudge ? { judge: deps.taskJudge.name } : {}) };
  return { synthesizer: config.models.synthesize, judge: config.models.verify };
}
