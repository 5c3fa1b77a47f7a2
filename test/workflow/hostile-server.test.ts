import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { stableCheckOf } from '../../activities/stable-check.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { RecordedCall, Task, ToolProfile } from '../../src/domain.js';
import { isVolatile } from '../../src/explore/volatile.js';
import { failsInResult } from '../../src/mcp/failure.js';
import { parseServerSpec } from '../../src/mcp/spec.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { OfflineSynthesizer } from '../../src/synthesize/offline-synthesizer.js';
import { CHECKS } from '../../src/verify/checks.js';
import { libfaketimePath } from '../../src/verify/clock-shift.js';
import type { RunSummary } from '../../src/api.js';
import { HOSTILE_TOOLS as T } from '../mcp/fixtures/hostile-tools.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';
import { simulatorOf } from '../../activities/run-simulator.js';

/**
 * A server built to trap the pipeline into labels that do not hold (test/mcp/fixtures/hostile-server.ts).
 * One run of it, then each trap: what caught it, and — with that check off — the label it would
 * have let through.
 */
describe('a hostile server', () => {
  const { config, worker, client } = useTestWorker('hostile');
  let summary: RunSummary;
  let exported: Task[];
  let profiles: Map<string, ToolProfile>;
  let calls: RecordedCall[];

  beforeAll(async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'test/mcp/fixtures/hostile.json'));
    summary = (await (await startRun(client(), config, uniqueId('hostile'), input)).result()) as RunSummary;
    const store = worker().store;
    const ids = readFileSync(join(summary.dataset.dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    const byId = new Map((await store.listTasks(summary.runId)).map((t) => [t.id, t]));
    exported = ids.map((id) => byId.get(id)!);
    profiles = new Map((await store.listProfiles(summary.runId)).map((p) => [p.name, p]));
    calls = await store.listCalls(summary.runId);
  });

  /** Every task the offline synthesizer writes from the run's episodes, before any check: what the traps would let through. */
  async function synthesizedUnguarded() {
    const store = worker().store;
    const deps = offlineActivityDeps(config, store);
    const run = (await store.getRun(summary.runId))!;
    const tools = new Map((await store.listTools(summary.runId)).map((t) => [t.name, t]));
    const episodes = [...new Set(calls.filter((c) => c.subDagIndex >= 0).map((c) => c.subDagIndex))];
    const synthesized = (
      await Promise.all(
        episodes.map((index) =>
          new OfflineSynthesizer().synthesize({ runId: run.runId, server: run.serverName, subDagIndex: index, calls: calls.filter((c) => c.subDagIndex === index), tools }),
        ),
      )
    ).flat();
    return { deps, run, tools, synthesized };
  }

  const answersOf = (tasks: Task[]) => tasks.flatMap((t) => t.groundTruth.map((g) => ({ task: t, g, tool: t.trajectory[g.source.trajectoryStep]!.tool })));

  it('exports tasks, none of them answered from a volatile value', () => {
    expect(exported.length).toBeGreaterThan(0);
    for (const { tool, g } of answersOf(exported)) {
      expect(isVolatile(g.source.path, profiles.get(tool)?.volatile), `${tool} ${g.source.path}`).toBe(false);
      expect([T.currentTime, T.randomPassword, T.sessionInfo], `${g.field} from ${tool}`).not.toContain(tool);
    }
  });

  it('the clock, random values and per-process ids are found volatile by the repeated probe', () => {
    const paths = (tool: string) => Object.fromEntries((profiles.get(tool)?.volatile ?? []).map((v) => [v.path, v.reason]));
    expect(paths(T.currentTime)).toMatchObject({ now: 'changed', unixSeconds: 'changed', weekday: 'clock' });
    expect(paths(T.randomPassword)).toMatchObject({ password: 'changed' });
    expect(paths(T.sessionInfo)).toMatchObject({ sessionId: 'changed', startedAt: 'changed' });
    expect(paths(T.createNote)).toMatchObject({ id: 'changed', createdAt: 'changed' });
    expect(paths(T.listCities)).toEqual({});
    expect(summary.reliability?.volatile.length).toBeGreaterThanOrEqual(9);
  });

  it('with volatile detection off, the live stable check rejects what it would have let through', async () => {
    const { deps, run, tools, synthesized: unguarded } = await synthesizedUnguarded();
    const volatileTasks = unguarded.filter((t) =>
      t.groundTruth.some((g) => isVolatile(g.source.path, profiles.get(t.trajectory[g.source.trajectoryStep]!.tool)?.volatile)),
    );
    expect(volatileTasks.length).toBeGreaterThan(0);
    // The checks that read the recording alone pass some of them: the trap is real. (Replay sometimes
    // notices, when the probe happened to record the same call with another value.)
    const context = { tools, simulator: await simulatorOf(deps, run.runId) };
    const passing = [];
    for (const task of volatileTasks) {
      const results = await Promise.all(CHECKS.filter(([name]) => name !== 'replayable').map(([, check]) => check(task, context)));
      if (results.every((r) => r.passed)) passing.push(task);
    }
    expect(passing.length).toBeGreaterThan(0);
    const stable = stableCheckOf(deps, run, parseServerSpec(run.spec));
    for (const task of passing) {
      const verdict = await stable.check(task);
      expect(verdict, task.instruction).toMatchObject({ passed: false });
      expect(verdict.reason).toMatch(/^volatile: /);
    }
  });

  it('labels bound to the calendar hold for minutes: only the shifted clock of the stable check rejects them', async () => {
    expect(libfaketimePath(), 'libfaketime (Debian package libfaketime) must be installed for this test').toBeDefined();
    const calendar: string[] = [T.timeSince, T.daysLeftInMonth];
    expect(answersOf(exported).map(({ tool }) => tool)).not.toContain(T.timeSince);
    expect(answersOf(exported).map(({ tool }) => tool)).not.toContain(T.daysLeftInMonth);
    const { deps, run, synthesized } = await synthesizedUnguarded();
    // Tasks whose every answer is read from a calendar tool: nothing else in them can move.
    const bound = synthesized.filter((t) => t.groundTruth.every((g) => calendar.includes(t.trajectory[g.source.trajectoryStep]!.tool))).slice(0, 3);
    expect(bound.length).toBeGreaterThan(0);
    const spec = parseServerSpec(run.spec);
    const realClock = stableCheckOf({ ...deps, env: { ...deps.env, FIREFLY_LIBFAKETIME: join(config.dataDir, 'no-libfaketime.so') } }, run, spec);
    const shiftedClock = stableCheckOf(deps, run, spec);
    for (const task of bound) {
      expect(await realClock.check(task), task.instruction).toMatchObject({ passed: true, reason: expect.stringContaining('on the real clock') });
      const verdict = await shiftedClock.check(task);
      expect(verdict, task.instruction).toMatchObject({ passed: false });
      expect(verdict.reason).toMatch(/^volatile: .*under a clock 400 days ahead/);
    }
  });

  it('an error relayed as text is an error: never a task, though every check would pass it', async () => {
    const asked = calls.filter((c) => c.tool === T.askUser && c.phase === 'explore');
    expect(asked.length).toBeGreaterThan(0);
    for (const call of asked) {
      expect(call).toMatchObject({ isError: true, errorKind: 'failure-in-result' });
      expect(failsInResult(call.result)).toBe(true);
    }
    // With the classifier off, the relayed error reads as a finding.
    const episode = asked[0]!.subDagIndex;
    const own = calls.filter((c) => c.subDagIndex === episode).map((c) => (c.tool === T.askUser ? { ...c, isError: false } : c));
    const tools = new Map((await worker().store.listTools(summary.runId)).map((t) => [t.name, t]));
    const tasks = await new OfflineSynthesizer().synthesize({ runId: summary.runId, server: 'hostile', subDagIndex: episode, calls: own, tools });
    expect(tasks.flatMap((t) => t.groundTruth.map((g) => g.value))).toContain('Elicitation error: MCP error -32601: Method not found');
    expect(answersOf(exported).map(({ tool }) => tool)).not.toContain(T.askUser);
  });

  it('a tool that fails on every call is reported broken and answers nothing', () => {
    expect(summary.reliability?.broken.map((b) => b.tool)).toContain(T.checkBackend);
    expect(summary.reliability?.broken.map((b) => b.tool)).not.toContain(T.getNote);
    expect(exported.flatMap((t) => t.trajectory.map((s) => s.tool))).not.toContain(T.checkBackend);
    const card = readFileSync(join(summary.dataset.dir, 'README.md'), 'utf8');
    expect(card).toContain('## What does not hold');
    expect(card).toContain(`| \`${T.checkBackend}\` |`);
    expect(card).toContain(`| \`${T.currentTime}\` | \`now\` | changed |`);
  });

  it('an answer given in a sentence is asked for as its number, never as the sentence', () => {
    const answers = answersOf(exported);
    for (const { g } of answers) {
      if (typeof g.value === 'string') expect(g.value.split(/\s+/).length < 5 || !/[.!?]$/.test(g.value), g.value).toBe(true);
    }
    const weather = answers.filter(({ tool }) => tool === T.cityWeather);
    expect(weather.length).toBeGreaterThan(0);
    for (const { g, task } of weather) {
      expect(g.source.path).toBe('text#number[0]');
      expect(typeof g.value).toBe('number');
      expect(task.instruction).toContain('the number in the text from step');
    }
  });

  it('configuration trivia is never asked for, and every exported task held on fresh live servers', async () => {
    const verdicts = await worker().store.listVerdicts(summary.runId);
    const sessionAnswers = answersOf(await worker().store.listTasks(summary.runId)).filter(({ tool }) => tool === T.sessionInfo);
    expect(sessionAnswers.map(({ g }) => g.field)).not.toContain('region');
    for (const task of exported) {
      expect(verdicts.find((v) => v.taskId === task.id && v.check === 'stable')).toMatchObject({ passed: true });
    }
    expect(summary.reliability?.stable.rounds).toBe(2 * summary.reliability!.stable.trajectories);
  });
});
