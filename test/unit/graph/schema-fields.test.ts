import { describe, expect, it } from 'vitest';
import type { FieldDescriptor, JsonValue } from '../../../src/domain.js';
import { FIELD_LIMITS, inputFields, outputFieldsFromSchema, outputFieldsFromValue } from '../../../src/graph/schema-fields.js';
import { memoryTools } from './fixtures/memory-server.js';
import { taskManagerOutputs } from './fixtures/task-manager-server.js';

function tool(name: string) {
  const found = memoryTools.find((t) => t.name === name);
  if (!found) throw new Error(`fixture has no tool ${name}`);
  return found;
}

function byPath(fields: FieldDescriptor[]): Record<string, FieldDescriptor> {
  return Object.fromEntries(fields.map((f) => [f.path, f]));
}

describe('inputFields', () => {
  it('flattens an array of objects into element leaves, with descriptions and required flags', () => {
    expect(inputFields(tool('create_entities').inputSchema)).toEqual([
      { path: 'entities[].name', type: 'string', description: 'The name of the entity', required: true },
      { path: 'entities[].entityType', type: 'string', description: 'The type of the entity', required: true },
      {
        path: 'entities[].observations[]',
        type: 'string',
        description: 'An array of observation contents associated with the entity',
        required: true,
      },
    ]);
  });

  it('addresses the elements of a primitive array as `name[]` and ignores $schema', () => {
    const fields = inputFields(tool('open_nodes').inputSchema);
    expect(fields).toEqual([{ path: 'names[]', type: 'string', description: 'An array of entity names to retrieve', required: true }]);
  });

  it('gives a tool without parameters no fields', () => {
    expect(inputFields(tool('read_graph').inputSchema)).toEqual([]);
  });

  it('marks a leaf required only when it and every ancestor are required', () => {
    const schema = {
      type: 'object',
      properties: {
        filter: { type: 'object', properties: { owner: { type: 'string' }, label: { type: 'string' } }, required: ['owner'] },
        page: { type: 'object', properties: { cursor: { type: 'string' } }, required: ['cursor'] },
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, note: { type: 'string' } }, required: ['id'] } },
      },
      required: ['filter', 'items'],
    };
    const fields = byPath(inputFields(schema));
    expect(fields['filter.owner']?.required).toBe(true);
    expect(fields['filter.label']?.required).toBe(false);
    expect(fields['page.cursor']?.required).toBe(false);
    expect(fields['items[].id']?.required).toBe(true);
    expect(fields['items[].note']?.required).toBe(false);
  });

  it('nests arrays of arrays and objects in arrays', () => {
    const schema = {
      type: 'object',
      properties: {
        matrix: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
        groups: { type: 'array', items: { type: 'object', properties: { members: { type: 'array', items: { type: 'object', properties: { email: { type: 'string' } } } } } } },
      },
    };
    expect(inputFields(schema).map((f) => [f.path, f.type])).toEqual([
      ['matrix[][]', 'number'],
      ['groups[].members[].email', 'string'],
    ]);
  });

  it('takes one representative type from anyOf, oneOf and type lists, keeping the outer description', () => {
    const schema = {
      type: 'object',
      properties: {
        limit: { anyOf: [{ type: 'null' }, { type: 'integer' }], description: 'How many' },
        id: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        cursor: { type: ['null', 'string'] },
      },
    };
    const fields = byPath(inputFields(schema));
    expect(fields.limit).toMatchObject({ type: 'integer', description: 'How many' });
    expect(fields.id?.type).toBe('string');
    expect(fields.cursor?.type).toBe('string');
  });

  it('infers a missing type from properties, items, enum, const and default', () => {
    const schema = {
      properties: {
        options: { properties: { mode: { enum: ['fast', 'safe'] } } },
        tags: { items: { type: 'string' } },
        version: { const: 2 },
        verbose: { default: false },
        anything: { description: 'Whatever the caller likes' },
      },
      required: ['options', 'verbose'],
    };
    const fields = byPath(inputFields(schema));
    expect(fields['options.mode']).toMatchObject({ type: 'string', enum: ['fast', 'safe'], required: false });
    expect(fields['tags[]']?.type).toBe('string');
    expect(fields.version).toMatchObject({ type: 'integer', enum: [2] });
    expect(fields.verbose?.type).toBe('boolean');
    expect(fields.anything?.type).toBe('object');
  });

  it('treats a parameter with a default as optional, even when listed as required', () => {
    const schema = { type: 'object', properties: { depth: { type: 'integer', default: 1 }, path: { type: 'string' } }, required: ['depth', 'path'] };
    const fields = byPath(inputFields(schema));
    expect(fields.depth?.required).toBe(false);
    expect(fields.path?.required).toBe(true);
  });

  it('follows local $refs and stops at recursive ones', () => {
    const schema = {
      type: 'object',
      $defs: {
        Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } },
      },
      properties: { root: { $ref: '#/$defs/Node' } },
      required: ['root'],
    };
    expect(inputFields(schema).map((f) => [f.path, f.type])).toEqual([
      ['root.name', 'string'],
      ['root.children[]', 'object'],
    ]);
  });

  it('bounds the number of leaves and the depth', () => {
    const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 500 }, (_v, i) => [`p${i}`, { type: 'string' }])) };
    expect(inputFields(wide)).toHaveLength(FIELD_LIMITS.maxFields);

    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 50; i++) deep = { type: 'object', properties: { next: deep } };
    const fields = inputFields(deep);
    expect(fields).toHaveLength(1);
    expect(fields[0]?.type).toBe('object');
    expect(fields[0]?.path.split('.')).toHaveLength(FIELD_LIMITS.maxDepth);
  });
});

describe('outputFieldsFromSchema', () => {
  it('flattens a declared output schema without required flags', () => {
    const fields = outputFieldsFromSchema(tool('read_graph').outputSchema ?? {});
    expect(fields.map((f) => f.path)).toEqual([
      'entities[].name',
      'entities[].entityType',
      'entities[].observations[]',
      'relations[].from',
      'relations[].to',
      'relations[].relationType',
    ]);
    expect(fields.every((f) => f.required === undefined)).toBe(true);
  });

  it('addresses the elements of a root array as `[]`', () => {
    const fields = outputFieldsFromSchema({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } });
    expect(fields).toEqual([{ path: '[].id', type: 'string' }]);
  });
});

describe('outputFieldsFromValue', () => {
  it('learns the leaves of a real taskmanager output with one example each', () => {
    const fields = outputFieldsFromValue(taskManagerOutputs.request_planning ?? null);
    const paths = byPath(fields);
    expect(fields.map((f) => f.path)).toEqual(['status', 'requestId', 'totalTasks', 'tasks[].id', 'tasks[].title', 'tasks[].description', 'message']);
    expect(paths.requestId).toEqual({ path: 'requestId', type: 'string', example: 'req-1' });
    expect(paths.totalTasks).toEqual({ path: 'totalTasks', type: 'integer', example: 2 });
    expect(paths['tasks[].id']?.example).toBe('task-1');
  });

  it('truncates long examples', () => {
    const [field] = outputFieldsFromValue({ text: 'x'.repeat(5000) });
    expect(typeof field?.example).toBe('string');
    expect((field?.example as string).length).toBeLessThanOrEqual(FIELD_LIMITS.maxExampleChars + 1);
  });

  it('merges the shapes of all array elements', () => {
    const value: JsonValue = [{ a: 1 }, { b: 'x', a: null }, { a: 2.5, c: { d: true } }];
    expect(outputFieldsFromValue(value)).toEqual([
      { path: '[].a', type: 'number', example: 1 },
      { path: '[].b', type: 'string', example: 'x' },
      { path: '[].c.d', type: 'boolean', example: true },
    ]);
  });

  it('replaces a null seen first by the first real value', () => {
    expect(outputFieldsFromValue({ items: [{ owner: null }, { owner: 'ada' }] })).toEqual([{ path: 'items[].owner', type: 'string', example: 'ada' }]);
  });

  it('keeps an empty array as a leaf only while nothing fills it', () => {
    expect(outputFieldsFromValue({ relations: [] })).toEqual([{ path: 'relations', type: 'array', example: [] }]);
    const graphs: JsonValue = [{ relations: [] }, { relations: [{ from: 'a' }] }];
    expect(outputFieldsFromValue(graphs).map((f) => f.path)).toEqual(['[].relations[].from']);
  });

  it('describes a bare text result as the root field', () => {
    expect(outputFieldsFromValue('done')).toEqual([{ path: '', type: 'string', example: 'done' }]);
  });

  it('bounds the number of leaves and the depth of a huge output', () => {
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_v, i) => [`k${i}`, i]));
    expect(outputFieldsFromValue(wide)).toHaveLength(FIELD_LIMITS.maxFields);

    let deep: JsonValue = 'bottom';
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const fields = outputFieldsFromValue(deep);
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ type: 'object' });
    expect(fields[0]?.example).toBeUndefined();
  });
});
