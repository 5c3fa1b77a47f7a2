import type { DiscoveredTool, RecordedCall, SubDag, Task, ToolEdge, Verdict } from '../domain.js';
import type { EpisodeRecord } from '../store/store.js';
import type { Rejection, ServerRow, ToolCallStats } from './report-data.js';

/** What one server's run recorded, as the store returns it. */
export interface ServerRecords {
  server: string;
  runId: string;
  planner: string;
  tools: DiscoveredTool[];
  edges: ToolEdge[];
  subDags: SubDag[];
  episodes: EpisodeRecord[];
  calls: RecordedCall[];
  /** Every candidate task, for the examples of each rejection. */
  candidates: Task[];
  verdicts: Verdict[];
  /** Tools that gave the same failure whatever they were asked. */
  broken: string[];
  /** Tasks in the dataset (verified, less those the exporter skipped or an audit found stale). */
  exported: number;
}

const EXAMPLES_PER_CHECK = 3;

/** One server's row of the report: its graph and what the run covered of it, its funnel, its calls. */
export function serverRow(records: ServerRecords): ServerRow {
  const episodeCalls = records.calls.filter((c) => c.subDagIndex >= 0);
  const explored = new Set(episodeCalls.map((c) => c.tool));
  const broken = new Set(records.broken);
  const sampled = new Set(records.subDags.flatMap((s) => s.edges.map((e) => edgeKey(e.from, e.to))));
  const linked = linkedEdges(episodeCalls);
  const episodes = records.episodes.filter((e) => e.subDagIndex >= 0 && e.status === 'done');
  const failedIds = new Set(records.verdicts.filter((v) => !v.passed).map((v) => v.taskId));
  const judged = new Set(records.verdicts.map((v) => v.taskId));
  return {
    server: records.server,
    runId: records.runId,
    planner: records.planner,
    tools: records.tools.map((t) => ({
      name: t.name,
      usable: t.usable,
      broken: broken.has(t.name),
      explored: explored.has(t.name),
      ...(t.skipReason ? { skipReason: t.skipReason } : {}),
    })),
    edges: records.edges.map((e) => ({
      from: e.from,
      to: e.to,
      confidence: e.confidence,
      sampled: sampled.has(edgeKey(e.from, e.to)),
      explored: linked.has(edgeKey(e.from, e.to)),
    })),
    funnel: {
      tools: records.tools.length,
      usable: records.tools.filter((t) => t.usable).length,
      edges: records.edges.length,
      subDags: records.subDags.length,
      episodes: episodes.length,
      // The episodes' own counts, as the run summary adds them up.
      calls: episodes.reduce((n, e) => n + e.calls, 0),
      candidates: records.candidates.length,
      verified: [...judged].filter((id) => !failedIds.has(id)).length,
      exported: records.exported,
    },
    rejections: rejections(records.verdicts, records.candidates),
    toolCalls: toolCallStats(episodeCalls),
  };
}

function edgeKey(from: string, to: string): string {
  return JSON.stringify([from, to]);
}

/** Tool pairs where a recorded call took an argument from an earlier call's output. */
function linkedEdges(calls: RecordedCall[]): Set<string> {
  const byStep = new Map(calls.map((c) => [`${c.subDagIndex}:${c.step}`, c.tool]));
  const pairs = new Set<string>();
  for (const call of calls) {
    for (const link of call.links) {
      const from = byStep.get(`${call.subDagIndex}:${link.fromStep}`);
      if (from !== undefined) pairs.add(edgeKey(from, call.tool));
    }
  }
  return pairs;
}

function rejections(verdicts: Verdict[], candidates: Task[]): Rejection[] {
  const instructions = new Map(candidates.map((t) => [t.id, t.instruction]));
  return [...groupBy(verdicts.filter((v) => !v.passed), (v) => v.check).entries()]
    .map(([check, failed]) => ({
      check,
      count: failed.length,
      examples: failed.slice(0, EXAMPLES_PER_CHECK).map((v) => ({ taskId: v.taskId, instruction: instructions.get(v.taskId) ?? '', reason: v.reason })),
    }))
    .sort((a, b) => b.count - a.count || (a.check < b.check ? -1 : 1));
}

function toolCallStats(calls: RecordedCall[]): ToolCallStats[] {
  return [...groupBy(calls, (c) => c.tool).entries()]
    .map(([tool, made]) => {
      const latencies = made.map((c) => c.latencyMs).sort((a, b) => a - b);
      return { tool, calls: made.length, errors: made.filter((c) => c.isError).length, medianMs: quantile(latencies, 0.5), p95Ms: quantile(latencies, 0.95) };
    })
    .sort((a, b) => b.calls - a.calls || (a.tool < b.tool ? -1 : 1));
}

/** The nearest-rank quantile of sorted values, rounded to 0.1 ms. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return Math.round(value * 10) / 10;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
