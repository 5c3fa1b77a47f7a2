import { describe, expect, it } from 'vitest';
import type { TrajectoryStep } from '../../../src/domain.js';
import { appearsIn } from '../../../src/verify/appears-in.js';
import { givenArguments } from '../../../src/verify/given-values.js';
import { isDiscovered } from '../../../src/verify/non-trivial.js';

describe('appearsIn', () => {
  it('finds strings as trimmed, case-insensitive substrings', () => {
    expect(appearsIn('Ada Lovelace', 'Open the node for ada lovelace.')).toBe(true);
    expect(appearsIn('  Ada  ', 'ADA')).toBe(true);
    expect(appearsIn('Grace Hopper', 'Open the node for Ada.')).toBe(false);
  });

  it('never finds a blank string, a boolean or null', () => {
    expect(appearsIn('', 'anything')).toBe(false);
    expect(appearsIn('   ', 'a   b')).toBe(false);
    expect(appearsIn(true, 'true')).toBe(false);
    expect(appearsIn(null, 'null')).toBe(false);
  });

  it('finds numbers only as whole tokens', () => {
    expect(appearsIn(12, 'There are 12 items')).toBe(true);
    expect(appearsIn(12, '12')).toBe(true);
    expect(appearsIn(12, 'released in 2012')).toBe(false);
    expect(appearsIn(12, 'version 1.12')).toBe(false);
    expect(appearsIn(12, 'about 120 items')).toBe(false);
    expect(appearsIn(1.5, 'costs 1.5 euros')).toBe(true);
    expect(appearsIn(1.5, 'costs 1x5 euros')).toBe(false);
    expect(appearsIn(-3, 'moved -3 places')).toBe(true);
  });

  it('finds a string written JSON-escaped, as instructions write argument values', () => {
    const content = '# Notes\n\nShip on "Friday".\n';
    const instruction = `1. Write a file with content ${JSON.stringify(content)}.`;
    expect(instruction).not.toContain(content.trim());
    expect(appearsIn(content, instruction)).toBe(true);
    expect(appearsIn('Ship on "Friday".', instruction)).toBe(true);
    expect(appearsIn('Ship on "Monday".', instruction)).toBe(false);
  });
});

describe('givenArguments', () => {
  const step = (args: TrajectoryStep['arguments'], links: string[] = []): TrajectoryStep => ({
    tool: 't',
    arguments: args,
    result: null,
    isError: false,
    links: links.map((argument) => ({ argument, fromTrajectoryStep: 0, outputPath: 'id' })),
    recorded: { subDagIndex: 0, step: 0 },
  });

  it('lists every argument leaf no earlier step fed, with its step and path', () => {
    const trajectory = [
      step({ originalRequest: 'Plan', tasks: [{ title: 'A', description: 'B' }] }),
      step({ requestId: 'req-1', taskId: 'task-1', completedDetails: '', force: false, limit: 2 }, ['requestId', 'taskId']),
    ];
    expect(givenArguments(trajectory)).toEqual([
      { step: 0, path: 'originalRequest', value: 'Plan' },
      { step: 0, path: 'tasks[0].title', value: 'A' },
      { step: 0, path: 'tasks[0].description', value: 'B' },
      { step: 1, path: 'completedDetails', value: '' },
      { step: 1, path: 'force', value: false },
      { step: 1, path: 'limit', value: 2 },
    ]);
  });

  it('treats everything under a linked argument as fed, and nothing beside it', () => {
    const trajectory = [step({ names: ['Ada', 'London'], namesake: 'Bob', observations: [{ entityName: 'Ada', contents: ['x'] }] }, ['names', 'observations[0].entityName'])];
    expect(givenArguments(trajectory).map((a) => a.path)).toEqual(['namesake', 'observations[0].contents[0]']);
  });
});

describe('isDiscovered', () => {
  it('counts numbers and findings, not status lines', () => {
    expect(isDiscovered(42, [])).toBe(true);
    expect(isDiscovered('task-6', [])).toBe(true);
    for (const status of ['Successfully wrote to ${sandbox}/a.md', 'No matches found', 'Done', 'ok', 'Created entity', 'deleted', 'Updated 2 rows', 'Error: nope']) {
      expect(isDiscovered(status, []), status).toBe(false);
    }
    expect(isDiscovered(true, [])).toBe(false);
    expect(isDiscovered(null, [])).toBe(false);
  });

  it('does not count an echo of a given value of three characters or more', () => {
    expect(isDiscovered('Charles Babbage', ['Babbage'])).toBe(false);
    expect(isDiscovered('Charles Babbage', ['Ch'])).toBe(true);
    expect(isDiscovered('Charles Babbage', [7, true, null])).toBe(true);
  });
});
