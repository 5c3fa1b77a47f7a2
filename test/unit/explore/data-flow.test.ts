import { describe, expect, it } from 'vitest';
import type { CallPhase, JsonObject, JsonValue, RecordedCall } from '../../../src/domain.js';
import { carriesOutputForward } from '../../../src/explore/data-flow.js';

/** A recorded call whose result is a raw CallToolResult, as the store keeps it. */
function call(step: number, phase: CallPhase, args: JsonObject, output: JsonValue, isError = false): RecordedCall {
  const result: JsonObject = { content: [{ type: 'text', text: JSON.stringify(output) }] };
  if (isError) result.isError = true;
  return {
    runId: 'run-data-flow',
    subDagIndex: 0,
    step,
    phase,
    tool: `tool-${step}`,
    arguments: args,
    result,
    isError,
    latencyMs: 1,
    links: [],
    planner: phase === 'setup' ? 'setup' : 'offline',
  };
}

const created = { entities: [{ name: 'Grace Hopper', entityType: 'person', observations: ['Wrote the first compiler'] }] };

describe('carriesOutputForward', () => {
  it('is true when a later exploration argument equals a distinctive earlier output', () => {
    const calls = [
      call(0, 'explore', { entities: [{ name: 'Grace Hopper' }] }, created),
      call(1, 'explore', { names: ['Grace Hopper'] }, { entities: [] }),
    ];
    expect(carriesOutputForward(calls)).toBe(true);
  });

  it('reads the output from structuredContent when the server gives it', () => {
    const first = call(0, 'explore', {}, null);
    first.result = { content: [{ type: 'text', text: 'Created.' }], structuredContent: { id: 'task-4711' } };
    expect(carriesOutputForward([first, call(1, 'explore', { taskId: 'task-4711' }, {})])).toBe(true);
  });

  it('counts numbers of two digits or more, and fractions, as distinctive', () => {
    expect(carriesOutputForward([call(0, 'explore', {}, { id: 42 }), call(1, 'explore', { id: 42 }, {})])).toBe(true);
    expect(carriesOutputForward([call(0, 'explore', {}, { ratio: 0.5 }), call(1, 'explore', { r: 0.5 }, {})])).toBe(true);
  });

  it('is false when the shared values are trivial: booleans, small integers, short strings', () => {
    const calls = [
      call(0, 'explore', {}, { success: true, count: 1, status: 'ok', index: -3, cursor: null }),
      call(1, 'explore', { force: true, limit: 1, mode: 'ok', offset: -3, cursor: null }, {}),
    ];
    expect(carriesOutputForward(calls)).toBe(false);
  });

  it('is false when the value only flowed from a setup call', () => {
    const calls = [
      call(0, 'setup', { entities: [{ name: 'Grace Hopper' }] }, created),
      call(1, 'explore', { names: ['Grace Hopper'] }, { entities: [] }),
    ];
    expect(carriesOutputForward(calls)).toBe(false);
  });

  it('is false when the only earlier call that returned the value failed', () => {
    const calls = [
      call(0, 'explore', {}, { name: 'Grace Hopper' }, true),
      call(1, 'explore', { names: ['Grace Hopper'] }, {}),
    ];
    expect(carriesOutputForward(calls)).toBe(false);
  });

  it('follows step order, not the order the calls are listed in', () => {
    const earlier = call(3, 'explore', {}, { id: 'task-4711' });
    const later = call(4, 'explore', { taskId: 'task-4711' }, {});
    expect(carriesOutputForward([later, earlier])).toBe(true);
    const reversed = [call(3, 'explore', { taskId: 'task-4711' }, {}), call(4, 'explore', {}, { id: 'task-4711' })];
    expect(carriesOutputForward(reversed)).toBe(false);
  });

  it('does not count a call echoing its own argument', () => {
    expect(carriesOutputForward([call(0, 'explore', { name: 'Grace Hopper' }, created)])).toBe(false);
  });
});
