import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_FILES } from '../../src/export/dataset-files.js';
import { outputValue } from '../../src/mcp/output.js';
import type { Store } from '../../src/store/store.js';

/** A result at least this long (serialised) is the fault proxy's huge reply. */
export const HUGE_BYTES = 5 * 1024 * 1024;

const EXPORTED_LINES = [DATASET_FILES.tasks, DATASET_FILES.sftOpenai, DATASET_FILES.sftAnthropic, DATASET_FILES.rl] as const;

/** What a run recorded and exported, counted so that two runs of the same shape can be compared item by item. */
export interface RunCounts {
  /** Recorded calls per `<sub-DAG>/<step>` (the probe is sub-DAG -1), with what was called and what came back. */
  calls: Map<string, { count: number; tool: string; outcome: string; arguments: string; output: string }>;
  /** Verified tasks per sub-DAG. */
  verifiedTasks: Map<string, number>;
  /** Lines per exported JSONL file. */
  exportedLines: Map<string, number>;
  /** Rows of the exported simulator cache's calls table. */
  simulatorCalls: number;
  /** Recorded results of at least HUGE_BYTES. */
  hugeResults: number;
}

export async function runCounts(store: Store, runId: string, datasetDir: string | undefined): Promise<RunCounts> {
  const calls: RunCounts['calls'] = new Map();
  let hugeResults = 0;
  for (const call of await store.listCalls(runId)) {
    const key = `${call.subDagIndex}/${call.step}`;
    const known = calls.get(key);
    calls.set(key, {
      count: (known?.count ?? 0) + 1,
      tool: call.tool,
      outcome: call.errorKind ?? 'ok',
      arguments: JSON.stringify(call.arguments),
      output: withoutClockTimes(JSON.stringify(outputValue(call.result))),
    });
    if (JSON.stringify(call.result).length >= HUGE_BYTES) hugeResults += 1;
  }
  const verdicts = await store.listVerdicts(runId);
  const failed = new Set(verdicts.filter((v) => !v.passed).map((v) => v.taskId));
  const judged = new Set(verdicts.map((v) => v.taskId));
  const verifiedTasks = new Map<string, number>();
  for (const task of await store.listTasks(runId)) {
    if (!judged.has(task.id) || failed.has(task.id)) continue;
    const key = `sub-dag ${task.subDagIndex}`;
    verifiedTasks.set(key, (verifiedTasks.get(key) ?? 0) + 1);
  }
  const exportedLines = new Map<string, number>();
  for (const file of EXPORTED_LINES) exportedLines.set(file, datasetDir ? lineCount(join(datasetDir, file)) : 0);
  return { calls, verifiedTasks, exportedLines, simulatorCalls: datasetDir ? simulatorCallCount(datasetDir) : 0, hugeResults };
}

/**
 * Two runs a minute apart see different clocks: file times (filesystem get_file_info) and "created at"
 * times (everything's resources) are masked, so that only what the run's own calls changed differs.
 */
function withoutClockTimes(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{4} /g, '<date> ')
    .replace(/\b\d{1,2}:\d{2}:\d{2}(?: ?[AP]M)?(?: GMT[+-]\d{4}(?: \([^)]*\))?)?/g, '<time>');
}

function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
}

function simulatorCallCount(dir: string): number {
  const path = join(dir, DATASET_FILES.simulator);
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export interface CountDiff {
  /** Items the baseline has that the faulty run lacks, per kind of item. */
  lost: Record<string, number>;
  /** Items the faulty run has more of than the baseline. */
  duplicated: Record<string, number>;
  /**
   * Calls at the same (sub-DAG, step) whose tool, arguments, outcome (ok, is-error, timeout, …) or
   * output (clock times masked) differs: a call applied twice by the server shows here, in its own
   * output or a later one's.
   */
  changedCalls: string[];
}

/** The faulty run against its fault-free baseline of the same shape. */
export function compareCounts(baseline: RunCounts, faulty: RunCounts): CountDiff {
  const lost: Record<string, number> = {};
  const duplicated: Record<string, number> = {};
  const add = (item: string, base: number, seen: number) => {
    if (seen < base) lost[item] = (lost[item] ?? 0) + base - seen;
    if (seen > base) duplicated[item] = (duplicated[item] ?? 0) + seen - base;
  };
  const callCounts = (counts: RunCounts) => new Map([...counts.calls].map(([k, v]) => [k, v.count]));
  for (const [, base, seen] of pairs(callCounts(baseline), callCounts(faulty))) add('calls', base, seen);
  for (const [, base, seen] of pairs(baseline.verifiedTasks, faulty.verifiedTasks)) add('verified tasks', base, seen);
  for (const [file, base, seen] of pairs(baseline.exportedLines, faulty.exportedLines)) add(file, base, seen);
  add('simulator calls', baseline.simulatorCalls, faulty.simulatorCalls);
  const changedCalls = [...baseline.calls].flatMap(([key, base]) => {
    const seen = faulty.calls.get(key);
    if (!seen) return [];
    const fields = (['tool', 'arguments', 'outcome', 'output'] as const).filter((field) => seen[field] !== base[field]);
    return fields.length === 0 ? [] : [`${key} ${base.tool}: ${fields.join(', ')} differ${fields.includes('outcome') ? ` (${base.outcome} → ${seen.outcome})` : ''}`];
  });
  return { lost, duplicated, changedCalls };
}

function* pairs(baseline: Map<string, number>, faulty: Map<string, number>): Generator<[string, number, number]> {
  for (const key of new Set([...baseline.keys(), ...faulty.keys()])) yield [key, baseline.get(key) ?? 0, faulty.get(key) ?? 0];
}

export const total = (items: Record<string, number>): number => Object.values(items).reduce((a, b) => a + b, 0);
