/**
 * What every Store must do, run against each implementation (the embedded SQLite store in the
 * unit tier, PostgreSQL in test/store). A new Store method gets its test here, once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscoveredTool, RecordedCall, SubDag, Task, ToolEdge, ToolProfile } from '../../../src/domain.js';
import type { GeneratedAnswer } from '../../../src/simulator/generation.js';
import type { RunRecord, Store } from '../../../src/store/store.js';

/** A store opened empty for one test, as the contract sees it. */
export interface StoreUnderTest {
  store: Store;
  /** Another connection to the same store: what a second worker process has. */
  openOther(): Promise<Store>;
  /** Removes what the test wrote (the store itself is closed by then). */
  cleanup(): Promise<void>;
}

function call(runId: string, subDagIndex: number, step: number, fields: Partial<RecordedCall> = {}): RecordedCall {
  return {
    runId,
    subDagIndex,
    step,
    phase: 'explore',
    tool: 'open_nodes',
    arguments: { names: ['Ada Lovelace'] },
    result: { content: [{ type: 'text', text: '{"entities":[]}' }], structuredContent: { entities: [] } },
    isError: false,
    latencyMs: 3.2,
    links: [],
    planner: 'offline',
    ...fields,
  };
}

function subDag(index: number, tools: string[]): SubDag {
  return { index, key: tools.join('>'), tools, edges: [], shape: tools.length === 1 ? 'single' : 'chain' };
}

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} (store contract)`, () => {
    let opened: StoreUnderTest;
    let store: Store;
    const runId = 'run-store';

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await store.close();
      await opened.cleanup();
    });

    describe('calls', () => {
      it('records a step once: the second write returns false and keeps the first content', async () => {
        const first = call(runId, 0, 0, { arguments: { names: ['first'] } });
        expect(await store.recordCall(first)).toBe(true);
        expect(await store.recordCall(call(runId, 0, 0, { arguments: { names: ['second'] }, isError: true, errorKind: 'is-error' }))).toBe(false);
        expect(await store.listCalls(runId, 0)).toEqual([first]);
      });

      it('gives every field back exactly, with and without an error kind', async () => {
        const linked = call(runId, 0, 1, {
          arguments: { names: ['${sandbox}/ünïcode "quoted"', 'x'], nested: { n: 1.5, off: false, none: null } },
          result: { isError: true, content: [{ type: 'text', text: 'MCP error -32602: bad' }] },
          isError: true,
          errorKind: 'is-error',
          latencyMs: 0.4,
          links: [{ argument: 'names[0]', fromStep: 0, outputPath: 'entities[0].name', value: 'Ada Lovelace' }],
        });
        const setup = call(runId, 0, 0, { phase: 'setup', planner: 'setup', tool: 'create_entities' });
        await store.recordCall(linked);
        await store.recordCall(setup);
        const [readSetup, readLinked] = await store.listCalls(runId, 0);
        expect(readLinked).toEqual(linked);
        expect(readSetup).toEqual(setup);
        expect(readSetup).not.toHaveProperty('errorKind');
      });

      it('lists one episode by step, or the whole run by sub-DAG then step', async () => {
        for (const [index, step] of [[1, 1], [0, 2], [-1, 0], [1, 0], [0, 0], [0, 1]] as const) {
          await store.recordCall(call(runId, index, step));
        }
        await store.recordCall(call('other-run', 0, 0));
        expect((await store.listCalls(runId, 0)).map((c) => c.step)).toEqual([0, 1, 2]);
        expect((await store.listCalls(runId)).map((c) => [c.subDagIndex, c.step])).toEqual([
          [-1, 0], [0, 0], [0, 1], [0, 2], [1, 0], [1, 1],
        ]);
        expect(await store.listCalls(runId, 7)).toEqual([]);
      });
    });

    describe('runs', () => {
      it('upserts a run under its ID', async () => {
        const run: RunRecord = { runId, serverName: 'memory', spec: { name: 'memory', args: ['${bin:x}'] }, options: { seed: 1 }, planner: 'offline' };
        await store.saveRun(run);
        expect(await store.getRun(runId)).toEqual(run);
        const changed: RunRecord = { ...run, options: { seed: 2, subDagCount: 3 }, planner: 'claude' };
        await store.saveRun(changed);
        expect(await store.getRun(runId)).toEqual(changed);
        expect(await store.getRun('missing')).toBeUndefined();
      });

      it('lists the runs under a prefix, by ID, a prefix holding % or _ taken literally', async () => {
        const run = (id: string): RunRecord => ({ runId: id, serverName: 'memory', spec: {}, options: {}, planner: 'offline' });
        for (const id of [`${runId}/b`, `${runId}/a`, `${runId}_x/c`, `${runId}%/d`]) await store.saveRun(run(id));
        expect((await store.listRuns(`${runId}/`)).map((r) => r.runId)).toEqual([`${runId}/a`, `${runId}/b`]);
        expect((await store.listRuns(`${runId}_`)).map((r) => r.runId)).toEqual([`${runId}_x/c`]);
        expect(await store.listRuns('nothing-like-it/')).toEqual([]);
      });
    });

    describe('sub-DAGs', () => {
      it('keeps the first sub-DAG stored under an index: sampling again never reshuffles a run', async () => {
        const first = [subDag(0, ['create_entities', 'open_nodes']), subDag(1, ['read_graph'])];
        await store.saveSubDags(runId, first);
        await store.saveSubDags(runId, [subDag(1, ['search_nodes']), subDag(2, ['delete_entities'])]);
        expect(await store.listSubDags(runId)).toEqual([...first, subDag(2, ['delete_entities'])]);
        expect(await store.getSubDag(runId, 1)).toEqual(first[1]);
        expect(await store.getSubDag(runId, 9)).toBeUndefined();
      });
    });

    describe('tools, profiles and edges', () => {
      it('replaces a run’s set on every save and lists it by name', async () => {
        const tools: DiscoveredTool[] = [
          { name: 'search_nodes', description: 's', inputSchema: { type: 'object' }, usable: true },
          { name: 'echo', description: 'e', inputSchema: {}, usable: false, skipReason: 'excluded by the spec' },
        ];
        await store.saveTools(runId, tools);
        await store.saveTools(runId, tools);
        expect(await store.listTools(runId)).toEqual([tools[1], tools[0]]);
        await store.saveTools(runId, [tools[0]!]);
        expect(await store.listTools(runId)).toEqual([tools[0]]);

        const profile: ToolProfile = { name: 'open_nodes', description: 'o', inputs: [{ path: 'names[]', type: 'string', required: true }], outputs: [] };
        await store.saveProfiles(runId, [profile]);
        await store.saveProfiles(runId, [profile]);
        expect(await store.listProfiles(runId)).toEqual([profile]);

        const edge: ToolEdge = {
          from: 'create_entities', to: 'open_nodes', confidence: 'high',
          mappings: [{ input: 'names[]', output: 'entities[].name', score: 0.9 }], judge: 'offline', reason: 'names match',
        };
        await store.saveEdges(runId, [edge]);
        await store.saveEdges(runId, [edge]);
        expect(await store.listEdges(runId)).toEqual([edge]);
      });
    });

    describe('episodes', () => {
      it('keeps the latest state of an episode and lists them by index', async () => {
        await store.saveEpisode({ runId, subDagIndex: 2, status: 'running', planner: 'offline', calls: 0, errors: 0, linkedCalls: 0 });
        await store.saveEpisode({ runId, subDagIndex: 2, status: 'done', planner: 'offline', calls: 3, errors: 1, linkedCalls: 1 });
        const failed = { runId, subDagIndex: 0, status: 'failed', planner: 'offline', calls: 1, errors: 1, linkedCalls: 0, error: 'server crashed' } as const;
        await store.saveEpisode(failed);
        expect(await store.getEpisode(runId, 2)).toEqual({ runId, subDagIndex: 2, status: 'done', planner: 'offline', calls: 3, errors: 1, linkedCalls: 1 });
        expect((await store.listEpisodes(runId)).map((e) => [e.subDagIndex, e.status])).toEqual([[0, 'failed'], [2, 'done']]);
        expect(await store.getEpisode(runId, 0)).toEqual(failed);
      });
    });

    describe('two connections on one store (two worker processes)', () => {
      it('each sees the other’s writes, and a step recorded by one is refused by the other', async () => {
        const other = await opened.openOther();
        try {
          await store.saveRun({ runId, serverName: 'memory', spec: {}, options: {}, planner: 'offline' });
          expect((await other.getRun(runId))?.serverName).toBe('memory');

          expect(await other.recordCall(call(runId, 0, 0, { tool: 'by-other' }))).toBe(true);
          expect(await store.recordCall(call(runId, 0, 0, { tool: 'by-first' }))).toBe(false);
          expect(await store.recordCall(call(runId, 0, 1))).toBe(true);
          for (const reader of [store, other]) {
            expect((await reader.listCalls(runId, 0)).map((c) => [c.step, c.tool])).toEqual([[0, 'by-other'], [1, 'open_nodes']]);
          }
          await other.saveSubDags(runId, [subDag(0, ['read_graph'])]);
          expect(await store.getSubDag(runId, 0)).toEqual(subDag(0, ['read_graph']));
        } finally {
          await other.close();
        }
      });
    });

    it('adds model usage up per stage and model, every response counted, and keeps it per run', async () => {
      const usage = { calls: 1, inputTokens: 100, outputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 0 };
      await store.addLlmUsage('r1', { stage: 'judge', model: 'claude-haiku-4-5', ...usage });
      await store.addLlmUsage('r1', { stage: 'judge', model: 'claude-haiku-4-5', ...usage, cacheWriteTokens: 7 });
      await store.addLlmUsage('r1', { stage: 'explore', model: 'claude-sonnet-4-6', ...usage });
      await store.addLlmUsage('r2', { stage: 'judge', model: 'claude-haiku-4-5', ...usage });
      expect(await store.listLlmUsage('r1')).toEqual([
        { stage: 'explore', model: 'claude-sonnet-4-6', calls: 1, inputTokens: 100, outputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 0 },
        { stage: 'judge', model: 'claude-haiku-4-5', calls: 2, inputTokens: 200, outputTokens: 20, cacheReadTokens: 100, cacheWriteTokens: 7 },
      ]);
      expect(await store.listLlmUsage('r2')).toHaveLength(1);
    });

    it('keeps the latest rejection of each (stage, subject)', async () => {
      await store.recordLlmRejection('r1', { stage: 'synthesize', subject: 'sub-dag-0/proposal-1', reason: 'no step 9', detail: { step: 9 } });
      await store.recordLlmRejection('r1', { stage: 'synthesize', subject: 'sub-dag-0/proposal-1', reason: 'no step 8', detail: { step: 8 } });
      await store.recordLlmRejection('r1', { stage: 'judge', subject: 'batch-0/P3/0', reason: 'unknown pair', detail: null });
      expect(await store.listLlmRejections('r1')).toEqual([
        { stage: 'judge', subject: 'batch-0/P3/0', reason: 'unknown pair', detail: null },
        { stage: 'synthesize', subject: 'sub-dag-0/proposal-1', reason: 'no step 8', detail: { step: 8 } },
      ]);
    });

    it('racing writers of one step from two connections: exactly one records it', async () => {
      const other = await opened.openOther();
      try {
        const writes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).recordCall(call(runId, 3, 0, { tool: `writer-${i}` }))),
        );
        expect(writes.filter(Boolean)).toHaveLength(1);
        expect(await store.listCalls(runId, 3)).toHaveLength(1);
        await Promise.all([store, other, store, other].map((s) => s.saveTools(runId, [
          { name: 'read_graph', description: 'r', inputSchema: {}, usable: true },
        ])));
        expect((await other.listTools(runId)).map((t) => t.name)).toEqual(['read_graph']);
      } finally {
        await other.close();
      }
    });

    describe('tasks and verdicts', () => {
      const task = (id: string, subDagIndex: number) => ({ id, subDagIndex, instruction: `do ${id}` }) as unknown as Task;

      it('replaces one sub-DAG’s tasks and marks it synthesized, even with none', async () => {
        await store.saveTasks(runId, 0, [task('t-0a', 0), task('t-0b', 0)]);
        await store.saveTasks(runId, 1, [task('t-1a', 1)]);
        await store.saveTasks(runId, 0, [task('t-0b', 0)]);
        await store.saveTasks(runId, 2, []);
        expect((await store.listTasks(runId)).map((t) => t.id)).toEqual(['t-0b', 't-1a']);
        expect([...(await store.listSynthesized(runId)).entries()].sort()).toEqual([[0, 1], [1, 1], [2, 0]]);
      });

      it('replaces every verdict of the run at once', async () => {
        await store.saveVerdicts(runId, [
          { taskId: 'b', check: 'grounded', passed: true, reason: 'ok' },
          { taskId: 'a', check: 'replayable', passed: false, reason: 'differs' },
        ]);
        await store.saveVerdicts(runId, [{ taskId: 'a', check: 'replayable', passed: true, reason: 'same' }]);
        expect(await store.listVerdicts(runId)).toEqual([{ taskId: 'a', check: 'replayable', passed: true, reason: 'same' }]);
      });
    });

    it('keeps the first live repeat per (subject, round), epoch milliseconds exact', async () => {
      const startedAtMs = 1_796_000_000_123;
      const first = { subject: 'probe', round: 1, startedAtMs, wallMs: 12.75, calls: [] };
      await store.saveLiveRepeat(runId, first);
      await store.saveLiveRepeat(runId, { ...first, wallMs: 99 });
      await store.saveLiveRepeat(runId, { ...first, round: 2, startedAtMs: startedAtMs + 1 });
      expect(await store.getLiveRepeat(runId, 'probe', 1)).toEqual(first);
      expect(await store.getLiveRepeat(runId, 'probe', 3)).toBeUndefined();
      expect((await store.listLiveRepeats(runId)).map((r) => [r.round, r.startedAtMs])).toEqual([[1, startedAtMs], [2, startedAtMs + 1]]);
    });

    it('keeps the first audit result per (audit, task) and reads stale tasks from the latest audit', async () => {
      await store.saveAuditResult(runId, { auditId: 'audit-1', taskId: 't1', holds: false, reason: 'changed' });
      await store.saveAuditResult(runId, { auditId: 'audit-1', taskId: 't1', holds: true, reason: 'retry' });
      await store.saveAuditResult(runId, { auditId: 'audit-1', taskId: 't2', holds: false, reason: 'gone' });
      await store.saveAuditResult(runId, { auditId: 'audit-2', taskId: 't2', holds: true, reason: 'back' });
      expect((await store.listAuditResults(runId, 'audit-1')).map((r) => [r.taskId, r.holds])).toEqual([['t1', false], ['t2', false]]);
      expect((await store.listAuditResults(runId)).map((r) => r.auditId)).toEqual(['audit-1', 'audit-1', 'audit-2']);
      expect(await store.listStaleTasks(runId)).toEqual(new Map([['t1', 'changed']]));
    });

    it('keeps model answers per (stage, subject), and the first generated answer per key', async () => {
      await store.saveLlmAnswer(runId, 'judge', 'task-1', { verdict: 'pass' });
      await store.saveLlmAnswer(runId, 'judge', 'task-1', { verdict: 'fail' });
      expect(await store.getLlmAnswer(runId, 'judge', 'task-1')).toEqual({ verdict: 'fail' });
      expect(await store.getLlmAnswer(runId, 'judge', 'task-2')).toBeUndefined();

      const key = { tool: 'search_nodes', canonical: '{"query":"x"}', state: 's0' };
      const answer = (model: string): GeneratedAnswer => ({ result: { content: [] }, isError: false, model, examples: [] });
      expect(await store.getGeneratedAnswer(runId, key)).toBeUndefined();
      expect(await store.putGeneratedAnswer(runId, key, answer('first'))).toEqual(answer('first'));
      expect(await store.putGeneratedAnswer(runId, key, answer('second'))).toEqual(answer('first'));
    });

    it('gives back the latest sandbox snapshot at or before a step, byte for byte', async () => {
    const bytes = (n: number) => new Uint8Array([0, 255, n, 10, 13]);
    await store.saveSandboxSnapshot(runId, 0, 2, bytes(2));
    await store.saveSandboxSnapshot(runId, 0, 5, bytes(4));
    await store.saveSandboxSnapshot(runId, 0, 5, bytes(5));
    await store.saveSandboxSnapshot(runId, 1, 1, bytes(9));
    expect(await store.getSandboxSnapshot(runId, 0, 1)).toBeUndefined();
    expect(await store.getSandboxSnapshot(runId, 0, 4)).toEqual({ nextStep: 2, archive: bytes(2) });
    expect(await store.getSandboxSnapshot(runId, 0, 9)).toEqual({ nextStep: 5, archive: bytes(5) });
    expect(await store.getSandboxSnapshot(runId, 1, 1)).toEqual({ nextStep: 1, archive: bytes(9) });
  });

  it('closes more than once without failing', async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
