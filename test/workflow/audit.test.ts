import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditDatasetResult } from '../../workflows/audit-dataset.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const CITIES = [
  { name: 'Lisbon', country: 'Portugal', population: 545923, mayor: 'Carlos Moedas' },
  { name: 'Tallinn', country: 'Estonia', population: 461643, mayor: 'Jevgeni Ossinovski' },
  { name: 'Ljubljana', country: 'Slovenia', population: 295504, mayor: 'Zoran Jankovic' },
];

/** auditDataset: a finished run's tasks re-executed live later; what changed on the server is marked stale. */
describe('auditDataset', () => {
  const { config, worker, client } = useTestWorker('audit');

  it('finds every task holding right after export, then marks stale exactly those whose data changed', async () => {
    const citiesFile = join(mkdtempSync(join(tmpdir(), 'firefly-audit-')), 'cities.json');
    writeFileSync(citiesFile, JSON.stringify(CITIES));
    const input = await readRunInput(resolve(PROJECT_ROOT, 'test/mcp/fixtures/hostile.json'));
    const server = input.server as { env: Record<string, string> };
    server.env = { ...server.env, HOSTILE_CITIES_FILE: citiesFile };
    const runId = uniqueId('audit-run');
    const summary = (await (await startRun(client(), config, runId, input)).result()) as RunSummary;
    expect(summary.dataset.tasks).toBeGreaterThan(0);

    const audit = (args: object) =>
      client().workflow.execute('auditDataset', { taskQueue: config.taskQueue, workflowId: uniqueId('audit'), args: [{ runId, ...args }] }) as Promise<AuditDatasetResult>;
    const exported = readFileSync(join(summary.dataset.dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    const fresh = await audit({});
    expect(fresh).toMatchObject({ tasks: summary.dataset.tasks, held: summary.dataset.tasks, stale: [] });

    // The server's data changes: one population or mayor, one that some exported tasks answer with and others do not.
    const tasks = new Map((await worker().store.listTasks(runId)).map((t) => [t.id, t]));
    const answering = (value: unknown) => exported.filter((id) => tasks.get(id)!.groundTruth.some((g) => g.value === value));
    const values = CITIES.flatMap((c) => [c.population, c.mayor]);
    const value = values.find((v) => answering(v).length > 0 && answering(v).length < exported.length);
    expect(value).toBeDefined();
    writeFileSync(citiesFile, JSON.stringify(CITIES.map((c) => (c.population === value ? { ...c, population: c.population + 1000 } : c.mayor === value ? { ...c, mayor: `${c.mayor} Jr.` } : c))));
    const later = await audit({ reexport: true });
    const changed = (id: string) => tasks.get(id)!.groundTruth.some((g) => g.value === value);
    const expectedStale = exported.filter(changed);
    expect(expectedStale.length).toBeGreaterThan(0);
    expect(expectedStale.length).toBeLessThan(exported.length);
    expect(later.stale.map((s) => s.taskId).sort()).toEqual(expectedStale.sort());
    for (const { reason } of later.stale) expect(reason).toMatch(/^state: /);
    expect(later.held).toBe(exported.length - expectedStale.length);
    expect(Object.values(later.byTool).reduce((n, t) => n + t.stale, 0)).toBeGreaterThan(0);

    // Re-exported without them; the store remembers, so the next export leaves them out too.
    expect(later.reexported?.tasks).toBe(exported.length - expectedStale.length);
    const again = readFileSync(join(summary.dataset.dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(again.sort()).toEqual(exported.filter((id) => !changed(id)).sort());
    expect([...(await worker().store.listStaleTasks(runId)).keys()].sort()).toEqual(expectedStale.sort());
  });

  it('refuses an input without a run, naming the field', async () => {
    const failure = await client()
      .workflow.execute('auditDataset', { taskQueue: config.taskQueue, workflowId: uniqueId('audit-bad'), args: [{ sample: 3 }] })
      .catch((error: unknown) => error as { cause?: { message?: string } });
    expect((failure as { cause?: { message?: string } }).cause?.message).toMatch(/input\.runId/);
  });
});
