import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/domain.js';
import type { RepeatedCallRecord } from '../../../src/explore/reexecute.js';
import { stabilityVerdict } from '../../../src/verify/stable.js';

const call = (tool: string, output: unknown, isError = false): RepeatedCallRecord => ({
  tool,
  arguments: {},
  result: { content: [{ type: 'text', text: JSON.stringify(output) }], ...(isError ? { isError: true } : {}) },
  isError,
  latencyMs: 1,
});

const task = {
  id: 't1',
  groundTruth: [
    { field: 'title', value: 'Plan', source: { trajectoryStep: 1, path: 'title' } },
    { field: 'words', value: 3, source: { trajectoryStep: 1, path: 'words' } },
  ],
  trajectory: [
    { tool: 'create_note', arguments: {}, result: null, isError: false, links: [], recorded: { subDagIndex: 0, step: 0 } },
    { tool: 'get_note', arguments: {}, result: null, isError: false, links: [], recorded: { subDagIndex: 0, step: 1 } },
  ],
} as unknown as Task;

describe('stabilityVerdict', () => {
  it('passes when every round reads the label', () => {
    const round = [call('create_note', { id: 'x' }), call('get_note', { title: 'Plan', words: 3 })];
    expect(stabilityVerdict(task, [round, round])).toEqual({ passed: true, reason: '2 answers held in 2 fresh live executions' });
  });

  it('names a field that differs between rounds as volatile', () => {
    const verdict = stabilityVerdict(task, [
      [call('create_note', {}), call('get_note', { title: 'Plan', words: 3 })],
      [call('create_note', {}), call('get_note', { title: 'Plan', words: 4 })],
    ]);
    expect(verdict).toEqual({ passed: false, reason: 'volatile: words gave 3 then 4' });
  });

  it('names a field both rounds agree on, against the label, as state', () => {
    const round = [call('create_note', {}), call('get_note', { title: 'Draft', words: 3 })];
    expect(stabilityVerdict(task, [round, round])).toEqual({ passed: false, reason: 'state: title is "Draft" on a fresh server, "Plan" in the recording' });
  });

  it('names a step that failed on a fresh server', () => {
    const round = [call('create_note', 'disk full', true), call('get_note', { title: 'Plan', words: 3 })];
    expect(stabilityVerdict(task, [round, round]).reason).toBe('error: step 1 (create_note) failed on a fresh server in round 1: "disk full"');
  });
});
