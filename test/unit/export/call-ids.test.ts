import { describe, expect, it } from 'vitest';
import { callId, callIdsFor, CALL_ID_PATTERN } from '../../../src/export/call-ids.js';

describe('callId', () => {
  it('is 9 alphanumerics, the same for the same task and step', () => {
    expect(callId('task-a', 0)).toMatch(CALL_ID_PATTERN);
    expect(callId('task-a', 0)).toBe(callId('task-a', 0));
  });

  it('differs between steps and between tasks', () => {
    const ids = new Set<string>();
    for (let t = 0; t < 200; t++) for (let s = 0; s < 5; s++) ids.add(callId(`task-${t}`, s));
    expect(ids.size).toBe(1000);
  });

  it('gives one distinct id per step of a task', () => {
    const ids = callIdsFor('task-a', 6);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(ids[2]).toBe(callId('task-a', 2));
  });
});
