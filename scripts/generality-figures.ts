import type { AuditDatasetResult } from '../workflows/audit-dataset.js';
import type { Store } from '../src/store/store.js';
import type { RunSummary } from '../src/api.js';
import { textQualityOf, type TextQuality } from '../src/export/text-quality.js';

export interface ServerFigures {
  server: string;
  runId: string;
  wallMs: number;
  tools: { usable: number; broken: number };
  candidates: number;
  verified: number;
  rejectedByCheck: Partial<Record<string, number>>;
  /** Of the exploration calls with an argument fed by an earlier output, the share that succeeded. */
  linkedCallsSucceeded: number | null;
  difficulty: { easy: number; medium: number; hard: number };
  meanAnswerFields: number;
  /** The answer value given most often across the exported tasks, and its share of all answers. */
  topAnswer: { value: unknown; share: number } | null;
  audit: { tasks: number; held: number };
  stable: { calls: number; secondsPerVerifiedTask: number };
  /** What the exported rows read like (none when the run exported nothing). */
  text: TextQuality | null;
}

/** One server's row of the generality table, read from its run's store and audit. */
export async function serverFigures(store: Store, summary: RunSummary, audit: AuditDatasetResult, wallMs: number): Promise<ServerFigures> {
  const calls = (await store.listCalls(summary.runId)).filter((c) => c.subDagIndex >= 0 && c.phase === 'explore');
  const linked = calls.filter((c) => c.links.length > 0);
  const verdicts = await store.listVerdicts(summary.runId);
  const failed = new Set(verdicts.filter((v) => !v.passed).map((v) => v.taskId));
  const tasks = (await store.listTasks(summary.runId)).filter((t) => verdicts.some((v) => v.taskId === t.id) && !failed.has(t.id));
  const share = (n: number) => (tasks.length === 0 ? 0 : n / tasks.length);
  const answers = tasks.flatMap((t) => t.groundTruth.map((g) => JSON.stringify(g.value)));
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  const stable = summary.reliability?.stable ?? { calls: 0, wallMs: 0 };
  return {
    server: summary.server,
    runId: summary.runId,
    wallMs,
    tools: { usable: summary.tools.usable, broken: summary.reliability?.broken.length ?? 0 },
    candidates: summary.tasks.candidates,
    verified: summary.dataset.tasks,
    rejectedByCheck: summary.tasks.rejectedByCheck,
    linkedCallsSucceeded: linked.length === 0 ? null : linked.filter((c) => !c.isError).length / linked.length,
    difficulty: {
      easy: share(tasks.filter((t) => t.difficulty === 'easy').length),
      medium: share(tasks.filter((t) => t.difficulty === 'medium').length),
      hard: share(tasks.filter((t) => t.difficulty === 'hard').length),
    },
    meanAnswerFields: tasks.length === 0 ? 0 : answers.length / tasks.length,
    topAnswer: top ? { value: JSON.parse(top[0]), share: top[1] / answers.length } : null,
    audit: { tasks: audit.tasks, held: audit.held },
    stable: { calls: stable.calls, secondsPerVerifiedTask: summary.dataset.tasks === 0 ? 0 : stable.wallMs / 1000 / summary.dataset.tasks },
    text: summary.dataset.dir && summary.dataset.tasks > 0 ? textQualityOf(summary.dataset.dir) : null,
  };
}
