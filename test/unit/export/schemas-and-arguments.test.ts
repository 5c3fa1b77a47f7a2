import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/domain.js';
import { argumentValidator } from '../../../src/export/argument-validator.js';
import { normaliseInputSchema } from '../../../src/export/tool-schema.js';
import { memoryServerTools } from './fixtures/memory-task.js';

describe('normaliseInputSchema', () => {
  it('adds type, properties and required where a schema lacks them, and drops $schema', () => {
    expect(normaliseInputSchema({})).toEqual({ type: 'object', properties: {}, required: [] });
    const readGraph = memoryServerTools().find((t) => t.name === 'read_graph')!;
    expect(normaliseInputSchema(readGraph.inputSchema)).toEqual({ type: 'object', properties: {}, required: [] });
  });

  it('keeps what the server declared', () => {
    const schema = { type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: ['q'], additionalProperties: false };
    expect(normaliseInputSchema(schema)).toEqual(schema);
  });
});

describe('argumentValidator', () => {
  const schemas = new Map<string, JsonSchema>([
    ...memoryServerTools().map((t) => [t.name, t.inputSchema] as [string, JsonSchema]),
    ['modern', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { ids: { type: 'array', prefixItems: [{ type: 'integer' }] } }, required: ['ids'] }],
    ['vendor', { type: 'object', properties: { when: { type: 'string', format: 'date-time', 'x-ui': 'picker' } } }],
    ['broken', { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } }],
  ]);
  const check = argumentValidator(schemas);

  it('accepts recorded arguments that fit, ${sandbox} paths included', () => {
    expect(check('open_nodes', { names: ['Ada Lovelace'] })).toBeUndefined();
    expect(check('read_graph', {})).toBeUndefined();
    expect(check('vendor', { when: '${sandbox}/not-a-date' })).toBeUndefined();
  });

  it('says where arguments break the schema', () => {
    expect(check('open_nodes', { names: 'Ada Lovelace' })).toBe('arguments/names must be array');
    expect(check('open_nodes', {})).toMatch(/must have required property 'names'/);
    expect(check('create_entities', { entities: [{ name: 'Ada' }] })).toMatch(/arguments\/entities\/0 must have required property 'entityType'/);
    expect(check('open_nodes', { names: ['x'], extra: 1 })).toMatch(/must NOT have additional properties/);
  });

  it('validates in the dialect the schema declares', () => {
    expect(check('modern', { ids: [1] })).toBeUndefined();
    expect(check('modern', { ids: ['one'] })).toMatch(/arguments\/ids\/0 must be integer/);
  });

  it('reports schemas that do not compile and tools it does not know, without throwing', () => {
    expect(check('broken', { a: 1 })).toMatch(/input schema of broken does not compile/);
    expect(check('nowhere', {})).toMatch(/not among the server's tools/);
  });
});
