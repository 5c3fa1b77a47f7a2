import type { RunSummary } from '../workflows/api.js';
import type { ExportedDataset } from './export.js';
import type { VerificationCounts } from './verify.js';
import type { ActivityDeps } from './deps.js';
import { loadRun } from './run-context.js';

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
    return {
      runId: input.runId,
      server: run.serverName,
      planner: run.planner,
      tools: { discovered: tools.length, usable: tools.filter((t) => t.usable).length },
      graph: { edges: edges.length, high: count('high'), medium: count('medium'), low: count('low') },
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
    };
  };
}
