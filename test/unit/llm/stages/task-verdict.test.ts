import { describe, expect, it } from 'vitest';
import { renderTask, RESULT_CHARS } from '../../../../src/llm/stages/task-judge-prompt.js';
import { parseTaskVerdict, summarise } from '../../../../src/llm/stages/task-verdict.js';
import { criteria, TASK } from './judge-fixtures.js';

describe('task verdict', () => {
  it('passes only when every criterion passes, and names the failed ones with their reasons', () => {
    const pass = parseTaskVerdict({ criteria: criteria(), verdict: 'pass' });
    expect(pass.ok && summarise(pass.value)).toEqual({ passed: true, reason: 'all five criteria pass' });

    const fail = parseTaskVerdict({
      criteria: criteria({ unique: { pass: false, reason: 'two Adas match' }, noLeakage: { pass: false, reason: 'the name is given' } }),
      verdict: 'pass',
    });
    expect(fail.ok && summarise(fail.value)).toEqual({ passed: false, reason: "fails unique: two Adas match; noLeakage: the name is given (the model's verdict said pass)" });
  });

  it('a missing criterion or verdict makes the answer unusable', () => {
    const { nonTrivial: _, ...four } = criteria();
    expect(parseTaskVerdict({ criteria: four, verdict: 'pass' })).toEqual({ ok: false, reason: 'missing field: criteria.nonTrivial must be {pass: boolean, reason: string}' });
    expect(parseTaskVerdict({ criteria: criteria() })).toMatchObject({ ok: false, reason: expect.stringContaining('verdict') });
  });

  it('the prompt carries instruction, schema, ground truth and the trajectory with results truncated', () => {
    const text = renderTask(TASK);
    expect(text).toContain(TASK.instruction);
    expect(text).toContain('"required":["name","observation"]');
    expect(text).toContain('- name = "Ada Lovelace" (from step 0, entities[0].name)');
    expect(text).toContain('1. open_nodes({"names":["Ada Lovelace"]})');
    expect(text).toContain('names[0] ← step 0 entities[0].name');
    expect(text).toMatch(/more chars\]/);
    expect(text.length).toBeLessThan(2 * RESULT_CHARS + 1500);
    expect(text).toContain('- search_nodes\n- open_nodes');
  });
});
