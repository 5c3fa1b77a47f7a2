import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/domain.js';
import { leafName, primitiveLeaves, valuesAt } from '../../../src/explore/json-path.js';

const graph: JsonValue = {
  entities: [
    { name: 'Ada Lovelace', entityType: 'person', observations: ['Born in London in 1815'] },
    { entityType: 'machine', observations: [] },
    { name: 'Analytical Engine', entityType: 'machine', observations: ['Programmed with punched cards', 'Never built'] },
  ],
  relations: [],
  meta: { total: 3, cursor: null },
};

describe('valuesAt', () => {
  it('finds every element of a `[]` path with its concrete indexed path, in document order', () => {
    expect(valuesAt(graph, 'entities[].name')).toEqual([
      { path: 'entities[0].name', value: 'Ada Lovelace' },
      { path: 'entities[2].name', value: 'Analytical Engine' },
    ]);
  });

  it('descends through nested arrays, skipping empty ones', () => {
    expect(valuesAt(graph, 'entities[].observations[]')).toEqual([
      { path: 'entities[0].observations[0]', value: 'Born in London in 1815' },
      { path: 'entities[2].observations[0]', value: 'Programmed with punched cards' },
      { path: 'entities[2].observations[1]', value: 'Never built' },
    ]);
    expect(valuesAt({ grid: [[1, 2], [3]] }, 'grid[][]').map((f) => f.path)).toEqual(['grid[0][0]', 'grid[0][1]', 'grid[1][0]']);
  });

  it('addresses a root array with `[]` and the root itself with the empty path', () => {
    expect(valuesAt([{ id: 'task-1' }, { id: 'task-2' }], '[].id')).toEqual([
      { path: '[0].id', value: 'task-1' },
      { path: '[1].id', value: 'task-2' },
    ]);
    expect(valuesAt(graph, '')).toEqual([{ path: '', value: graph }]);
  });

  it('keeps a key whose value is null and returns containers as they are', () => {
    expect(valuesAt(graph, 'meta.cursor')).toEqual([{ path: 'meta.cursor', value: null }]);
    expect(valuesAt(graph, 'relations')).toEqual([{ path: 'relations', value: [] }]);
  });

  it('finds nothing where the shape does not match the pattern', () => {
    expect(valuesAt(graph, 'entities.name')).toEqual([]);
    expect(valuesAt(graph, 'meta[].total')).toEqual([]);
    expect(valuesAt(graph, 'missing[].id')).toEqual([]);
    expect(valuesAt('just text', 'name')).toEqual([]);
  });

  it('reads only the value’s own keys, never what every object inherits', () => {
    expect(valuesAt({ name: 'x' }, 'constructor')).toEqual([]);
    expect(valuesAt({ items: [{ id: 1 }] }, 'items[].toString')).toEqual([]);
  });
});

describe('leafName', () => {
  it('is the last named key of a path', () => {
    expect(leafName('entities[].name')).toBe('name');
    expect(leafName('names[]')).toBe('names');
    expect(leafName('[].id')).toBe('id');
    expect(leafName('task.owner.email')).toBe('email');
    expect(leafName('matrix[][]')).toBe('matrix');
  });

  it('is empty for paths that name no key', () => {
    expect(leafName('')).toBe('');
    expect(leafName('[]')).toBe('');
  });
});

describe('primitiveLeaves', () => {
  it('lists every primitive with its concrete path, depth first in key order', () => {
    expect(primitiveLeaves({ a: 1, b: { c: [true, null], d: 'x' } })).toEqual([
      { path: 'a', value: 1 },
      { path: 'b.c[0]', value: true },
      { path: 'b.c[1]', value: null },
      { path: 'b.d', value: 'x' },
    ]);
  });

  it('starts with `[i]` for a root array and gives a primitive root the empty path', () => {
    expect(primitiveLeaves([{ id: 7 }, 'x'])).toEqual([
      { path: '[0].id', value: 7 },
      { path: '[1]', value: 'x' },
    ]);
    expect(primitiveLeaves('alone')).toEqual([{ path: '', value: 'alone' }]);
  });

  it('has no leaves for empty containers', () => {
    expect(primitiveLeaves({ list: [], map: {} })).toEqual([]);
  });
});
