import { WorkflowFailedError } from '@temporalio/client';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../src/run-client.js';
import { progressQuery, type GenerateServerDatasetInput, type RunSummary } from '../../src/api.js';
import { NOTES_TOOLS } from '../mcp/fixtures/call-log-tools.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const dir = mkdtempSync(join(tmpdir(), 'firefly-policy-'));

/** A run of the notes fixture, whose server appends every tool it is asked to call to its own log. */
function notesRun(label: string, extra: Partial<GenerateServerDatasetInput> = {}, setupTool: string = NOTES_TOOLS.add) {
  const log = join(dir, `${label}.log`);
  const input: GenerateServerDatasetInput = {
    server: {
      name: 'notes',
      command: 'node',
      args: ['${bin:tsx}', '${project}/test/mcp/fixtures/call-log-server.ts'],
      env: { CALL_LOG: log },
      setup: [{ tool: setupTool, arguments: setupTool === NOTES_TOOLS.add ? { title: 'Groceries', body: 'milk and eggs' } : { id: 'note-1' } }],
      argumentHints: { id: ['note-1'], title: ['Dentist'], body: ['Tuesday at 10'] },
    },
    subDagCount: 6,
    seed: 1,
    ...extra,
  };
  /** Every tool the server itself saw called, in order. */
  const called = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  return { input, called };
}

/** The message a failed run ends with. */
async function failureOf(result: Promise<unknown>): Promise<string> {
  const failure = await result.then(() => undefined, (error: unknown) => error);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  return (failure as WorkflowFailedError).cause?.message ?? '';
}

describe('the tool policy keeps refused tools from ever being called', () => {
  const { config, worker, client } = useTestWorker('policy');

  it('a denied tool and a destructive one are never called, the others are, and the store says why', async () => {
    const { input, called } = notesRun('deny', {
      policy: { servers: { notes: { deny: ['drop_*'] } }, default: { deny: ['purge_everything'] } },
    });
    const handle = await startRun(client(), config, uniqueId('policy'), input);
    const summary = (await handle.result()) as RunSummary;

    // From the server's own log: every allowed tool was called (setup, probe, exploration)…
    const seen = new Set(called());
    expect([...seen].sort()).toEqual([NOTES_TOOLS.add, NOTES_TOOLS.get, NOTES_TOOLS.list].sort());
    // …and the denied and the destructive tools never were.
    expect(seen.has(NOTES_TOOLS.drop)).toBe(false);
    expect(seen.has(NOTES_TOOLS.remove)).toBe(false);
    expect(summary.calls).toBeGreaterThan(0);
    expect(summary.tools).toEqual({ discovered: 5, usable: 3 });

    // The store keeps them, unusable, each with a reason that says how to allow it.
    const store = worker().store;
    const tools = Object.fromEntries((await store.listTools(summary.runId)).map((t) => [t.name, t]));
    expect(tools[NOTES_TOOLS.drop]).toMatchObject({ usable: false, skipReason: expect.stringMatching(/policy\.servers\.notes\.deny\[0\] "drop_\*" \(input\.policy\).*remove that pattern/) });
    expect(tools[NOTES_TOOLS.remove]).toMatchObject({ usable: false, skipReason: expect.stringMatching(/destructiveHint: true.*"allowDestructive": true/) });
    const recorded = new Set((await store.listCalls(summary.runId)).map((c) => c.tool));
    expect(recorded.has(NOTES_TOOLS.drop) || recorded.has(NOTES_TOOLS.remove)).toBe(false);

    // The run is stored with the policy it enforced; a pattern matching no tool is a warning, not an error.
    const run = await store.getRun(summary.runId);
    expect(run?.options).toMatchObject({ effectivePolicy: { server: 'notes', source: 'input.policy', allowDestructive: false } });
    const progress = await handle.query(progressQuery);
    expect(progress.tools.warnings).toEqual([expect.stringMatching(/policy\.default\.deny\[0\] "purge_everything".*matches no tool of server "notes"/)]);
  });

  it('allowDestructive lets the destructive tool be called, still never the denied one', async () => {
    const { input, called } = notesRun('allow-destructive', { allowDestructive: true, policy: { servers: { notes: { deny: ['drop_*'] } } } });
    const summary = (await (await startRun(client(), config, uniqueId('policy'), input)).result()) as RunSummary;
    expect(summary.tools).toEqual({ discovered: 5, usable: 4 });
    expect(called()).toContain(NOTES_TOOLS.remove);
    expect(called()).not.toContain(NOTES_TOOLS.drop);
  });

  it('a setup call to a denied tool fails the run at prepareRun, before the server ever starts', async () => {
    const policyFile = join(dir, 'deny-add.json');
    writeFileSync(policyFile, JSON.stringify({ servers: { notes: { deny: ['add_*'] } } }));
    const { input, called } = notesRun('setup-denied', { policyFile });
    const handle = await startRun(client(), config, uniqueId('policy'), input);
    const message = await failureOf(handle.result());
    expect(message).toMatch(/server\.setup\[0\]\.tool calls "add_note".*policy\.servers\.notes\.deny\[0\].*policy file .*deny-add\.json/);
    expect(existsSync(join(dir, 'setup-denied.log'))).toBe(false);
    expect(called()).toEqual([]);
    const history = await handle.fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(activities).toEqual(['prepareRun']);
  });

  it('a setup call to a destructive tool the run does not allow fails the run at discovery, with nothing called', async () => {
    const { input, called } = notesRun('setup-destructive', {}, NOTES_TOOLS.remove);
    const message = await failureOf((await startRun(client(), config, uniqueId('policy'), input)).result());
    expect(message).toMatch(/server\.setup\[0\]\.tool calls "delete_note".*destructive.*"allowDestructive": true/);
    expect(called()).toEqual([]);
  });

  it('a malformed policy fails the run, naming the field', async () => {
    const { input } = notesRun('malformed', { policy: { servers: { notes: { deny: ['drop_*', 7] } } } });
    const message = await failureOf((await startRun(client(), config, uniqueId('policy'), input)).result());
    expect(message).toMatch(/policy\.servers\.notes\.deny\[1\] must be a string/);
  });
});
