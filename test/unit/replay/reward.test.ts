import { describe, expect, it } from 'vitest';
import type { GroundTruthField, JsonPrimitive, JsonValue, Task } from '../../../src/domain.js';
import { reward } from '../../../src/replay/reward.js';

/** A task carrying only what the reward reads: its ground truth. */
function taskWith(truth: Record<string, JsonPrimitive>): Task {
  const groundTruth: GroundTruthField[] = Object.entries(truth).map(([field, value], i) => ({ field, value, source: { trajectoryStep: i, path: field } }));
  return {
    id: 'reward-task',
    runId: 'run',
    server: 'memory',
    subDagIndex: 0,
    instruction: '',
    answerSchema: {},
    groundTruth,
    answerTemplate: '',
    difficulty: 'easy',
    trajectory: [],
    synthesizer: 'offline',
  };
}

/**
 * A list-valued ground truth. The domain types ground truth as a primitive, but the reward is written
 * to compare lists too (an LLM synthesizer may ask for one), so the cast is deliberate.
 */
const listTruth = (field: string, list: JsonValue[]): Task => taskWith({ [field]: list as unknown as JsonPrimitive });

describe('reward', () => {
  it('is 1 for the exact answer, extra fields ignored', () => {
    const task = taskWith({ name: 'Ada Lovelace', totalTasks: 3 });
    expect(reward(task, { name: 'Ada Lovelace', totalTasks: 3 })).toBe(1);
    expect(reward(task, { name: 'Ada Lovelace', totalTasks: 3, extra: 'x' })).toBe(1);
  });

  it('compares numbers by value, numeric strings included', () => {
    const task = taskWith({ size: 36 });
    for (const answer of [36, 36.0, '36', ' 36 ', '36.0', '3.6e1']) expect(reward(task, { size: answer }), JSON.stringify(answer)).toBe(1);
    for (const answer of [37, '37', 36.5, 'thirty-six', '36 bytes']) expect(reward(task, { size: answer }), JSON.stringify(answer)).toBe(0);
    expect(reward(taskWith({ size: '36' }), { size: 36 })).toBe(1);
    expect(reward(taskWith({ ratio: 0.3 }), { ratio: 0.1 + 0.2 })).toBe(1);
  });

  it('keeps identifiers that look numeric as text: leading zeros and hex are not numbers', () => {
    expect(reward(taskWith({ zip: '02139' }), { zip: 2139 })).toBe(0);
    expect(reward(taskWith({ code: '007' }), { code: '7' })).toBe(0);
    expect(reward(taskWith({ flags: '0x10' }), { flags: 16 })).toBe(0);
    expect(reward(taskWith({ zip: '02139' }), { zip: ' 02139 ' })).toBe(1);
  });

  it('ignores case and runs of whitespace in text, but not other differences', () => {
    const task = taskWith({ relationType: 'collaborated_with', name: 'Ada Lovelace' });
    expect(reward(task, { relationType: 'COLLABORATED_WITH', name: '  ada\n\tLovelace ' })).toBe(1);
    expect(reward(task, { relationType: 'collaborated with', name: 'Ada Lovelace' })).toBe(0);
    expect(reward(task, { relationType: 'collaborated_with', name: 'AdaLovelace' })).toBe(0);
  });

  it('compares lists in any order, element by element, with the same normalisation', () => {
    const task = listTruth('names', ['Ada Lovelace', 'London', 3]);
    expect(reward(task, { names: ['London', '3', 'ada lovelace'] })).toBe(1);
    expect(reward(task, { names: ['London', 'Ada Lovelace'] })).toBe(0);
    expect(reward(task, { names: ['London', 'Ada Lovelace', 3, 3] })).toBe(0);
    expect(reward(task, { names: ['London', 'Ada Lovelace', 4] })).toBe(0);
    expect(reward(task, { names: 'Ada Lovelace, London, 3' })).toBe(0);
  });

  it('is 0 when a field is missing or undefined', () => {
    const task = taskWith({ requestId: 'req-3', id: 'task-6' });
    expect(reward(task, { requestId: 'req-3' })).toBe(0);
    expect(reward(task, { requestId: 'req-3', id: undefined })).toBe(0);
    expect(reward(task, {})).toBe(0);
  });

  it('needs every field: one wrong field of several is 0', () => {
    const task = taskWith({ requestId: 'req-3', id: 'task-6', totalTasks: 1 });
    expect(reward(task, { requestId: 'req-3', id: 'task-6', totalTasks: 1 })).toBe(1);
    expect(reward(task, { requestId: 'req-3', id: 'task-7', totalTasks: 1 })).toBe(0);
    expect(reward(task, { requestId: 'req-3', id: 'task-6', totalTasks: 2 })).toBe(0);
  });

  it('does not confuse types that print alike', () => {
    expect(reward(taskWith({ value: 'null' }), { value: null })).toBe(0);
    expect(reward(taskWith({ value: 'true' }), { value: true })).toBe(0);
    expect(reward(taskWith({ value: 'task-6' }), { value: { id: 'task-6' } })).toBe(0);
    expect(reward(taskWith({ value: '' }), { value: '' })).toBe(1);
    expect(reward(taskWith({ value: '' }), { value: 0 })).toBe(0);
  });
});
