import { describe, expect, it } from 'vitest';
import { isVolatile, volatilePaths } from '../../../src/explore/volatile.js';

const text = (value: unknown) => ({ result: { content: [{ type: 'text', text: JSON.stringify(value) }] }, isError: false });
const NOW = Date.parse('2026-12-07T09:30:00Z');

describe('volatilePaths', () => {
  it('marks what changed between two observations of the same call, as patterns', () => {
    const found = volatilePaths(
      [
        { tool: 'list_notes', first: text({ notes: [{ id: 'a1', title: 'Plan' }, { id: 'b2', title: 'Budget' }] }), again: text({ notes: [{ id: 'c3', title: 'Plan' }, { id: 'd4', title: 'Budget' }] }) },
        { tool: 'random', first: text({ value: 4 }), again: text({ value: 9, extra: 'x' }) },
        { tool: 'stable', first: text({ name: 'Lisbon', population: 545923 }), again: text({ name: 'Lisbon', population: 545923 }) },
      ],
      NOW,
    );
    expect(found.get('list_notes')).toEqual([{ path: 'notes[].id', reason: 'changed' }]);
    expect(found.get('random')).toEqual([{ path: 'value', reason: 'changed' }, { path: 'extra', reason: 'changed' }]);
    expect(found.has('stable')).toBe(false);
  });

  it('marks dates and epoch times near now even when both observations agree', () => {
    const same = { today: '2026-12-07', at: 'Mon, 07 Dec 2026 09:15:02 GMT', epoch: Math.floor(NOW / 1000), weekday: 'Monday', founded: '1998-04-01', count: 1796000, name: 'Friday' };
    const found = volatilePaths([{ tool: 'clock', first: text(same), again: text(same) }], NOW);
    expect(found.get('clock')).toEqual([
      { path: 'today', reason: 'clock' },
      { path: 'at', reason: 'clock' },
      { path: 'epoch', reason: 'clock' },
      { path: 'weekday', reason: 'clock' },
    ]);
  });

  it('learns nothing from a call that failed the first time, and all it returned from one that failed the second', () => {
    const failed = { result: { content: [{ type: 'text', text: 'boom' }], isError: true }, isError: true };
    expect(volatilePaths([{ tool: 't', first: failed, again: text({ a: 1 }) }], NOW).size).toBe(0);
    expect(volatilePaths([{ tool: 't', first: text({ a: 1 }), again: failed }], NOW).get('t')).toBeUndefined();
  });
});

describe('isVolatile', () => {
  it('matches concrete paths under a pattern', () => {
    const volatile = [{ path: 'notes[].createdAt', reason: 'changed' as const }, { path: 'session', reason: 'changed' as const }];
    expect(isVolatile('notes[3].createdAt', volatile)).toBe(true);
    expect(isVolatile('session.id', volatile)).toBe(true);
    expect(isVolatile('notes[3].title', volatile)).toBe(false);
    expect(isVolatile('anything', undefined)).toBe(false);
  });
});

describe('volatilePaths: texts', () => {
  it('marks only the lines of a text that changed, when the text kept its lines', () => {
    const info = (modified: string) => text({ content: `size: 74\nmodified: ${modified}\nisFile: true` });
    const found = volatilePaths([{ tool: 'get_file_info', first: info('Mon 09:15:01'), again: info('Mon 09:15:02') }], NOW);
    expect(found.get('get_file_info')).toEqual([{ path: 'content#line[1]', reason: 'changed' }]);
    expect(isVolatile('content#line[1]', found.get('get_file_info'))).toBe(true);
    expect(isVolatile('content#line[0]', found.get('get_file_info'))).toBe(false);
    expect(isVolatile('content', [{ path: 'content', reason: 'changed' }])).toBe(true);
    expect(isVolatile('content#number[0]', [{ path: 'content', reason: 'changed' }])).toBe(true);
  });
});
