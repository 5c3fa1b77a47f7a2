/**
 * `npm run generality`: the development fleet, the generality suite (examples/generality/) and the
 * hostile fixture, each run end to end with its spec's settings (subDagCount 24 unless
 * GENERALITY_SUB_DAGS says otherwise), then audited live at once with auditDataset. Prints, per
 * server, the figures that say whether its labels hold, and writes them to data/generality.json.
 * Arguments narrow the run to spec files (paths relative to the project).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditDatasetResult } from '../workflows/audit-dataset.js';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, readRunInput, startRun } from '../src/run-client.js';
import type { RunSummary } from '../src/api.js';
import { createFireflyWorker } from '../worker.js';
import { serverFigures, type ServerFigures } from './generality-figures.js';

const SPECS = [
  'examples/memory.json',
  'examples/filesystem.json',
  'examples/taskmanager.json',
  'examples/everything.json',
  'examples/generality/knowledge-graph.json',
  'examples/generality/shrimp-task-manager.json',
  'examples/generality/duckdb.json',
  'examples/generality/sequential-thinking.json',
  'examples/generality/hello-world.json',
  'test/mcp/fixtures/hostile.json',
];

const config = runtimeConfig();
Runtime.install({ logger: new DefaultLogger('WARN') });
execFileSync('bash', [resolve(PROJECT_ROOT, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
const worker = await createFireflyWorker(config);
const client = await connectClient(config);
const subDagCount = Number(process.env.GENERALITY_SUB_DAGS ?? 24);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const rows: ServerFigures[] = [];
try {
  for (const spec of process.argv.length > 2 ? process.argv.slice(2) : SPECS) {
    const input = await readRunInput(resolve(PROJECT_ROOT, spec));
    const name = (input.server as { name: string }).name;
    const runId = `generality-${name}-${stamp}`;
    const started = Date.now();
    try {
      const summary = (await (await startRun(client, config, runId, { ...input, subDagCount })).result()) as RunSummary;
      const wallMs = Date.now() - started;
      // A run with no verified task has nothing to audit: its row says so.
      const audit =
        summary.dataset.tasks === 0
          ? ({ runId, auditId: '', tasks: 0, held: 0, stale: [], byTool: {} } satisfies AuditDatasetResult)
          : ((await client.workflow.execute('auditDataset', { taskQueue: config.taskQueue, workflowId: `${runId}-audit`, args: [{ runId }] })) as AuditDatasetResult);
      rows.push(await serverFigures(worker.store, summary, audit, wallMs));
      console.log(`${name}: ${summary.tasks.candidates} candidates → ${summary.dataset.tasks} verified; audit ${audit.held}/${audit.tasks} hold`);
    } catch (error) {
      console.log(`${name}: failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
  }
} finally {
  await worker.shutdown();
}
writeFileSync(resolve(config.dataDir, 'generality.json'), `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\n${table(rows)}`);

function table(figures: ServerFigures[]): string {
  const header = ['server', 'tools usable/broken', 'candidates → verified', 'rejections per check', 'linked calls ok', 'easy/medium/hard', 'mean answer fields', 'top answer share', 'audit holds', 'stable: live calls, s per task', 'instruction chars (mean)', 'pasted descriptions', 'rows with ${…}', 'garbled answers'];
  const lines = figures.map((f) => [
    f.server,
    `${f.tools.usable}/${f.tools.broken}`,
    `${f.candidates} → ${f.verified}`,
    Object.entries(f.rejectedByCheck).map(([check, n]) => `${check} ${n}`).join(', ') || 'none',
    f.linkedCallsSucceeded === null ? 'n/a' : `${Math.round(f.linkedCallsSucceeded * 100)}%`,
    `${pct(f.difficulty.easy)}/${pct(f.difficulty.medium)}/${pct(f.difficulty.hard)}`,
    f.meanAnswerFields.toFixed(2),
    f.topAnswer ? `${pct(f.topAnswer.share)} (${JSON.stringify(f.topAnswer.value).slice(0, 24)})` : 'n/a',
    `${f.audit.held}/${f.audit.tasks}`,
    `${f.stable.calls}, ${f.stable.secondsPerVerifiedTask.toFixed(2)}`,
    f.text ? Math.round(f.text.meanInstructionChars).toString() : 'n/a',
    f.text ? `${f.text.pastedDescriptions}/${f.text.tasks}` : 'n/a',
    f.text ? String(f.text.placeholderRows) : 'n/a',
    f.text ? String(f.text.garbledAnswers) : 'n/a',
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
