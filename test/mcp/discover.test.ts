import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTools, skipReason } from '../../src/mcp/discover.js';
import { SpecError } from '../../src/mcp/errors.js';
import type { ListedTool } from '../../src/mcp/session.js';
import { exampleSpec, sandboxes, type Sandboxes } from './helpers.js';

const tool = (overrides: Partial<ListedTool>): ListedTool => ({
  name: 'read_graph',
  description: 'Reads the graph',
  inputSchema: { type: 'object', properties: {} },
  ...overrides,
});

describe('skipReason', () => {
  const cases: Array<[string, ListedTool, RegExp | undefined]> = [
    ['a plain tool', tool({}), undefined],
    ['an excluded tool', tool({ name: 'get-env' }), /server\.exclude/],
    ['a name with a slash', tool({ name: 'files/read' }), /not usable as a function name/],
    ['an empty name', tool({ name: '' }), /not usable as a function name/],
    ['a task-only tool', tool({ taskSupport: 'required' }), /MCP task/],
    ['a string input schema', tool({ inputSchema: { type: 'string' } }), /not an object schema \(type is "string"\)/],
    ['an input schema without type', tool({ inputSchema: {} }), /type is missing/],
    ['a dangling $ref', tool({ inputSchema: { type: 'object', properties: { q: { $ref: '#/$defs/Query' } } } }), /#\/\$defs\/Query/],
    ['a remote $ref', tool({ inputSchema: { type: 'object', properties: { q: { $ref: 'https://example.com/q.json' } } } }), /does not resolve/],
    [
      'a local $ref that resolves',
      tool({ inputSchema: { type: 'object', properties: { q: { $ref: '#/$defs/Query' } }, $defs: { Query: { type: 'string' } } } }),
      undefined,
    ],
  ];
  it.each(cases)('%s', (_, listed, reason) => {
    const got = skipReason(listed, ['get-env']);
    if (reason) expect(got).toMatch(reason);
    else expect(got).toBeUndefined();
  });
});

describe('discoverTools on the everything server', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it('lists all 13 tools and marks the excluded and task-only ones unusable', async () => {
    const { session } = await boxes.open(await exampleSpec('everything'));
    const tools = await discoverTools(session);
    expect(tools).toHaveLength(13);
    const unusable = Object.fromEntries(tools.filter((t) => !t.usable).map((t) => [t.name, t.skipReason]));
    expect(Object.keys(unusable).sort()).toEqual(['get-env', 'gzip-file-as-resource', 'simulate-research-query', 'trigger-long-running-operation']);
    expect(tools.filter((t) => t.usable)).toHaveLength(9);
    expect(tools.every((t) => !('taskSupport' in t))).toBe(true);
  });

  it('refuses an exclude entry the server does not offer, since it is probably a typo', async () => {
    const spec = await exampleSpec('everything');
    const { session } = await boxes.open({ ...spec, exclude: ['gzip-file'] });
    await expect(discoverTools(session)).rejects.toSatisfy((e) => e instanceof SpecError && e.field === 'server.exclude[0]');
  });
});
