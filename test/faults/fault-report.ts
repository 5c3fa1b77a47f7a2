import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { total, type CountDiff } from './run-counts.js';

/** One faulty run, compared with the fault-free run of the same seed and spec. */
export interface FaultRunResult {
  seed: number;
  runId: string;
  baselineRunId: string;
  injected: number;
  /** Where each injection hit: the run's recorded calls at that moment (for the proxy's faults, the number of the call). */
  hitAt: number[];
  completed: boolean;
  /** Activity attempts beyond the first in the run's histories: where the fault cost a retry. */
  activityRetries: number;
  diff: CountDiff;
  /** Items compared: recorded calls, verified tasks, exported lines, simulator calls (baseline side). */
  compared: Record<string, number>;
  wallSeconds: number;
  error?: string;
}

export interface FaultRow {
  fault: string;
  server: string;
  /** What "injected" counts and what the comparison means for this fault. */
  note: string;
  runs: FaultRunResult[];
}

const COLUMNS = ['fault', 'server', 'seeds', 'times injected', 'runs completed', 'items lost', 'items duplicated', 'calls changed', 'activity retries'] as const;

function cells(row: FaultRow): string[] {
  const sum = (pick: (run: FaultRunResult) => number) => row.runs.reduce((n, run) => n + pick(run), 0);
  return [
    row.fault,
    row.server,
    row.runs.map((r) => r.seed).join(','),
    String(sum((r) => r.injected)),
    `${row.runs.filter((r) => r.completed).length}/${row.runs.length}`,
    String(sum((r) => total(r.diff.lost))),
    String(sum((r) => total(r.diff.duplicated))),
    String(sum((r) => r.diff.changedCalls.length)),
    String(sum((r) => r.activityRetries)),
  ];
}

export function renderTable(rows: FaultRow[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...body.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const notes = rows.map((row) => `- ${row.fault}: ${row.note}`);
  const failures = rows.flatMap((row) =>
    row.runs
      .filter((r) => !r.completed || total(r.diff.lost) > 0 || total(r.diff.duplicated) > 0 || r.diff.changedCalls.length > 0)
      .map((r) => `! ${row.fault} seed ${r.seed} (${r.runId} vs ${r.baselineRunId}): ${r.error ?? ''} lost ${JSON.stringify(r.diff.lost)} duplicated ${JSON.stringify(r.diff.duplicated)} changed ${JSON.stringify(r.diff.changedCalls)}`),
  );
  return [
    line(COLUMNS),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    'items = recorded calls per (sub-DAG, step) + verified tasks per sub-DAG + lines of tasks/sft/rl JSONL + simulator cache calls,',
    'each compared with the fault-free run of the same seed and spec through the same proxy. calls changed = recorded calls',
    'whose tool, arguments, error kind or output (clock times masked) differ at the same (sub-DAG, step): a call the server',
    'ran twice shows there. activity retries = attempts beyond the first in the run\'s histories (where the fault bit).',
    ...notes,
    ...failures,
  ].join('\n');
}

export function writeReport(path: string, rows: FaultRow[], wallSeconds: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const summary = rows.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, cells(row)[i]])));
  writeFileSync(path, `${JSON.stringify({ generatedAt: new Date().toISOString(), wallSeconds, summary, rows }, null, 2)}\n`);
}
