import { log } from '@temporalio/activity';
import type { RunSummary } from '../src/api.js';
import { runCostLines } from '../src/run-cost-text.js';
import type { ExportedDataset } from './export.js';
import type { VerificationCounts } from './verify.js';
import type { ActivityDeps } from './deps.js';
import type { RunRecord } from '../src/store/store.js';
import type { ToolEdge } from '../src/domain.js';
import { loadRun } from './run-context.js';
import { runUsage, storedLlmConfig } from './run-llm.js';
import { perItem } from '../src/llm/usage-ledger.js';
import type { RunCost } from '../src/api.js';
import { runReliability } from '../src/verify/reliability.js';

/** The run's figures, counted from the store (not from what the workflow remembers). */
export function summarizeRunActivity(deps: ActivityDeps) {
  return async function summarizeRun(input: {
    runId: string;
    failed: number[];
    verification: VerificationCounts;
    dataset: ExportedDataset;
  }): Promise<RunSummary> {
    const { run } = await loadRun(deps, input.runId);
    const tools = await deps.store.listTools(input.runId);
    const edges = await deps.store.listEdges(input.runId);
    const subDags = await deps.store.listSubDags(input.runId);
    const episodes = (await deps.store.listEpisodes(input.runId)).filter((e) => e.subDagIndex >= 0 && e.status === 'done');
    const count = (confidence: string) => edges.filter((e) => e.confidence === confidence).length;
    const sum = (pick: (e: (typeof episodes)[number]) => number) => episodes.reduce((total, e) => total + pick(e), 0);
    const llm = await runCost(deps, run, input.dataset.counts.tasks);
    const starts = strongStarts(edges);
    if (starts === 0) log.info(`run ${input.runId}: no tool has two high-confidence successors, so sub-DAGs started wherever the graph allowed`);
    // The worker's log is where a run started from the Temporal CLI shows its cost at the end.
    log.info(`run ${input.runId} finished: ${input.dataset.counts.tasks} verified tasks exported; ${runCostLines(llm).join('; ')}`);
    return {
      runId: input.runId,
      server: run.serverName,
      planner: run.planner,
      tools: { discovered: tools.length, usable: tools.filter((t) => t.usable).length },
      graph: { edges: edges.length, high: count('high'), medium: count('medium'), low: count('low'), strongStarts: starts },
      subDags: { total: subDags.length, explored: episodes.length, failed: input.failed },
      calls: sum((e) => e.calls),
      linkedCalls: sum((e) => e.linkedCalls),
      errors: sum((e) => e.errors),
      tasks: {
        candidates: input.verification.candidates,
        verified: input.verification.verified,
        rejectedByCheck: input.verification.rejectedByCheck,
      },
      dataset: {
        dir: input.dataset.dir,
        tasks: input.dataset.counts.tasks,
        meanCallsPerTask: input.dataset.counts.meanCallsPerTask,
        shareWithThreeOrMoreCalls: input.dataset.counts.shareWithThreeOrMoreCalls,
      },
      store: { location: deps.store.location, runId: input.runId },
      reliability: await runReliability(deps.store, input.runId),
      llm,
    };
  };
}

/**
 * Tools with two or more high-confidence successors: where the method starts its sub-DAGs. With
 * none, sampling starts wherever it can, and the summary says so by this being 0.
 */
function strongStarts(edges: ToolEdge[]): number {
  const high = new Map<string, number>();
  for (const edge of edges) if (edge.confidence === 'high') high.set(edge.from, (high.get(edge.from) ?? 0) + 1);
  return [...high.values()].filter((n) => n >= 2).length;
}

/** The run's models and spend; per verified task, what the whole run cost divided by the tasks its dataset holds. */
async function runCost(deps: ActivityDeps, run: RunRecord, verified: number): Promise<RunCost> {
  const config = storedLlmConfig(run);
  const usage = await runUsage(deps, run);
  return {
    models: config.provider === 'offline' ? { provider: 'offline' } : { provider: config.provider, models: config.models },
    usage,
    perVerifiedTask: perItem(usage.total, verified),
  };
}
