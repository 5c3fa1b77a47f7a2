import { describe, expect, it } from 'vitest';
import type { JsonSchema, JsonValue } from '../../../src/domain.js';
import { OfflinePlanner } from '../../../src/explore/offline-planner.js';
import type { EarlierCall, IncomingMapping, PlanRequest } from '../../../src/explore/planner.js';
import { synthesizeValue } from '../../../src/explore/synthesize-value.js';
import { seededRandom } from '../../../src/random.js';
import { memoryTools } from '../graph/fixtures/memory-server.js';

const planner = new OfflinePlanner();

function schemaOf(tool: string): JsonSchema {
  const found = memoryTools.find((t) => t.name === tool);
  if (!found) throw new Error(`no memory tool ${tool} in the fixture`);
  return found.inputSchema;
}

function request(tool: string, fields: Partial<PlanRequest> = {}): PlanRequest {
  const { inputSchema = schemaOf(tool), ...rest } = fields;
  return { tool, description: '', inputSchema, incoming: [], earlier: [], hints: {}, seed: 'run-1/0/2', ...rest };
}

/** What create_entities returns (structuredContent), as the planner sees an earlier output. */
function created(step: number, names: string[], isError = false): EarlierCall {
  return {
    step,
    tool: 'create_entities',
    isError,
    output: { entities: names.map((name) => ({ name, entityType: 'person', observations: [`${name} was here`] })) },
  };
}

const namesFromCreated: IncomingMapping = { from: 'create_entities', input: 'names[]', output: 'entities[].name', score: 1 };

describe('OfflinePlanner: arguments follow the input schema', () => {
  it('builds a required array of objects with every required field, nested arrays included', async () => {
    const { arguments: args, links } = await planner.planCall(request('create_entities'));
    expect(Object.keys(args)).toEqual(['entities']);
    const entities = args.entities as Array<Record<string, JsonValue>>;
    expect(entities).toHaveLength(1);
    const [entity] = entities;
    expect(Object.keys(entity!).sort()).toEqual(['entityType', 'name', 'observations']);
    expect(typeof entity!.name).toBe('string');
    expect(typeof entity!.entityType).toBe('string');
    expect(entity!.observations).toEqual([expect.any(String)]);
    expect(links).toEqual([]);
  });

  it('uses defaults, respects enums and bounds, and leaves out optional parameters nothing feeds', async () => {
    const inputSchema: JsonSchema = {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'thorough'] },
        limit: { type: 'integer', default: 25 },
        page: { type: 'integer', minimum: 3, maximum: 4 },
        verbose: { type: 'boolean' },
        version: { const: 'v2' },
        cursor: { type: 'string' },
      },
      required: ['mode', 'limit', 'page', 'verbose', 'version'],
    };
    for (const seed of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const { arguments: args } = await planner.planCall(request('custom', { inputSchema, seed }));
      expect(['fast', 'thorough']).toContain(args.mode);
      expect(args.limit).toBe(25);
      expect([3, 4]).toContain(args.page);
      expect(args.verbose).toBe(false);
      expect(args.version).toBe('v2');
      expect(args).not.toHaveProperty('cursor');
    }
  });

  it('plans the first non-null branch of an anyOf', async () => {
    const inputSchema: JsonSchema = {
      type: 'object',
      properties: { count: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 5, maximum: 5 }] } },
      required: ['count'],
    };
    expect((await planner.planCall(request('custom', { inputSchema }))).arguments).toEqual({ count: 5 });
  });
});

describe('OfflinePlanner: incoming mappings link earlier outputs', () => {
  it('takes up to two distinct values from the source tool’s output and records each link', async () => {
    const earlier = [created(2, ['Grace Hopper', 'Grace Hopper', 'Alan Turing', 'Barbara Liskov'])];
    const { arguments: args, links } = await planner.planCall(request('open_nodes', { incoming: [namesFromCreated], earlier }));
    expect(args).toEqual({ names: ['Grace Hopper', 'Alan Turing'] });
    expect(links).toEqual([
      { argument: 'names[0]', fromStep: 2, outputPath: 'entities[0].name', value: 'Grace Hopper' },
      { argument: 'names[1]', fromStep: 2, outputPath: 'entities[2].name', value: 'Alan Turing' },
    ]);
  });

  it('uses the latest successful call of the source tool, never a failed one', async () => {
    const earlier = [created(2, ['Ada Lovelace']), created(3, ['Edsger Dijkstra']), created(4, ['Failed Entity'], true)];
    const { arguments: args, links } = await planner.planCall(request('open_nodes', { incoming: [namesFromCreated], earlier }));
    expect(args).toEqual({ names: ['Edsger Dijkstra'] });
    expect(links).toEqual([{ argument: 'names[0]', fromStep: 3, outputPath: 'entities[0].name', value: 'Edsger Dijkstra' }]);
  });

  it('links nothing when the only source call failed, and falls back to the hints', async () => {
    const earlier = [created(2, ['Failed Entity'], true)];
    const hints = { names: [['London']] };
    const { arguments: args, links } = await planner.planCall(request('open_nodes', { incoming: [namesFromCreated], earlier, hints }));
    expect(args).toEqual({ names: ['London'] });
    expect(links).toEqual([]);
  });

  it('builds one object per linked value inside an array of objects', async () => {
    const incoming: IncomingMapping[] = [
      { from: 'create_entities', input: 'relations[].from', output: 'entities[].name', score: 1 },
    ];
    const earlier = [created(2, ['Ada Lovelace', 'Charles Babbage'])];
    const { arguments: args, links } = await planner.planCall(request('create_relations', { incoming, earlier }));
    const relations = args.relations as Array<Record<string, JsonValue>>;
    expect(relations.map((r) => r.from)).toEqual(['Ada Lovelace', 'Charles Babbage']);
    for (const relation of relations) expect(Object.keys(relation).sort()).toEqual(['from', 'relationType', 'to']);
    expect(links).toEqual([
      { argument: 'relations[0].from', fromStep: 2, outputPath: 'entities[0].name', value: 'Ada Lovelace' },
      { argument: 'relations[1].from', fromStep: 2, outputPath: 'entities[1].name', value: 'Charles Babbage' },
    ]);
  });

  it('refuses a linked value outside the parameter’s enum', async () => {
    const inputSchema: JsonSchema = {
      type: 'object',
      properties: { level: { type: 'string', enum: ['low', 'high'] } },
      required: ['level'],
    };
    const incoming: IncomingMapping[] = [{ from: 'status', input: 'level', output: 'level', score: 1 }];
    const earlier: EarlierCall[] = [{ step: 0, tool: 'status', isError: false, output: { level: 'medium' } }];
    const { arguments: args, links } = await planner.planCall(request('custom', { inputSchema, incoming, earlier }));
    expect(['low', 'high']).toContain(args.level);
    expect(links).toEqual([]);
  });

  it('without a mapping, links a same-named earlier output field, but not a generic one like `message`', async () => {
    const inputSchema: JsonSchema = {
      type: 'object',
      properties: { taskId: { type: 'string' }, message: { type: 'string' } },
      required: ['taskId', 'message'],
    };
    const earlier: EarlierCall[] = [{ step: 1, tool: 'add_task', isError: false, output: { task: { taskId: 'task-17' }, message: 'Task added' } }];
    const { arguments: args, links } = await planner.planCall(request('custom', { inputSchema, earlier }));
    expect(args.taskId).toBe('task-17');
    expect(args.message).not.toBe('Task added');
    expect(links).toEqual([{ argument: 'taskId', fromStep: 1, outputPath: 'task.taskId', value: 'task-17' }]);
  });
});

describe('OfflinePlanner: hints and synthesized values', () => {
  it('uses hints by leaf name when nothing links', async () => {
    const hints = { entityType: ['machine'], observations: [['Programmed with punched cards']], name: ['Hedy Lamarr'] };
    const { arguments: args, links } = await planner.planCall(request('create_entities', { hints }));
    expect(args).toEqual({
      entities: [{ name: 'Hedy Lamarr', entityType: 'machine', observations: ['Programmed with punched cards'] }],
    });
    expect(links).toEqual([]);
  });

  it('prefers a hint written for the full path over one for the leaf name', async () => {
    const hints = { 'entities[].name': ['By Path'], name: ['By Leaf'] };
    const { arguments: args } = await planner.planCall(request('create_entities', { hints }));
    expect((args.entities as Array<Record<string, JsonValue>>)[0]!.name).toBe('By Path');
  });

  it('puts synthesized path-like values inside the sandbox', async () => {
    const inputSchema: JsonSchema = {
      type: 'object',
      properties: { path: { type: 'string' }, destination: { type: 'string' } },
      required: ['path', 'destination'],
    };
    const { arguments: args } = await planner.planCall(request('move_file', { inputSchema }));
    expect(args.path).toMatch(/^\$\{sandbox\}\/[a-z]+-1\.txt$/);
    expect(args.destination).toMatch(/^\$\{sandbox\}\//);
    expect(synthesizeValue({ type: 'string' }, 'sourceFile', seededRandom(1), 2)).toMatch(/^\$\{sandbox\}\/[a-z]+-3\.txt$/);
  });

  it('synthesizes by format and by name', () => {
    const random = seededRandom('formats');
    expect(synthesizeValue({ type: 'string', format: 'uri' }, 'target', random)).toMatch(/^https:\/\/example\.com\//);
    expect(synthesizeValue({ type: 'string' }, 'email', random)).toMatch(/@example\.com$/);
    expect(synthesizeValue({ type: 'string', format: 'date-time' }, 'when', random)).toBe('2026-01-15T09:30:00Z');
    expect(synthesizeValue({ type: 'string' }, 'taskId', random, 1)).toMatch(/^[a-z]+-2$/);
    expect(synthesizeValue({ type: 'null' }, 'nothing', random)).toBeNull();
  });
});

describe('OfflinePlanner: determinism', () => {
  it('plans the same arguments for the same request and seed', async () => {
    const earlier = [created(2, ['Grace Hopper'])];
    const same = request('create_relations', { earlier, seed: 'run-7/3/4' });
    expect(await planner.planCall(same)).toEqual(await planner.planCall({ ...same }));
  });

  it('plans different arguments for some other seed', async () => {
    const plans = new Set<string>();
    for (let i = 0; i < 10; i++) plans.add(JSON.stringify(await planner.planCall(request('create_entities', { seed: `run-1/0/${i}` }))));
    expect(plans.size).toBeGreaterThan(1);
  });
});

describe('OfflinePlanner: links that make sense, and hints as given', () => {
  const schema = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema => ({ type: 'object', properties, required });
  const earlier = (output: JsonValue): EarlierCall[] => [{ step: 0, tool: 'source', isError: false, output }];
  const mapping = (input: string, output: string): IncomingMapping[] => [{ from: 'source', input, output, score: 1 }];

  it('never feeds multi-line text or a status reply into a path or an id; the hint wins', async () => {
    const planned = await planner.planCall(
      request('read', {
        inputSchema: schema({ repo_path: { type: 'string' }, id: { type: 'string' } }),
        incoming: [...mapping('repo_path', 'diff'), ...mapping('id', 'message')],
        earlier: earlier({ diff: 'diff --git a/x b/x\n+added line\n-removed line', message: 'Successfully wrote 30 bytes to notes.md' }),
        hints: { repo_path: ['/srv/repo'] },
      }),
    );
    expect(planned.arguments.repo_path).toBe('/srv/repo');
    expect(planned.arguments.id).not.toBe('Successfully wrote 30 bytes to notes.md');
    expect(planned.links).toEqual([]);
  });

  it('feeds prose into a free-text parameter, and a number only where the names agree', async () => {
    const planned = await planner.planCall(
      request('write', {
        inputSchema: schema({ content: { type: 'string' }, celsius: { type: 'number' }, temperatureCelsius: { type: 'number' } }),
        incoming: [...mapping('content', 'text'), ...mapping('celsius', 'iat'), ...mapping('temperatureCelsius', 'celsius')],
        earlier: earlier({ text: 'Line one.\nLine two.', iat: 1796000000, celsius: 21 }),
      }),
    );
    expect(planned.arguments.content).toBe('Line one.\nLine two.');
    expect(planned.arguments.celsius).not.toBe(1796000000);
    expect(planned.arguments.temperatureCelsius).toBe(21);
    expect(planned.links.map((l) => l.argument).sort()).toEqual(['content', 'temperatureCelsius']);
  });

  it('takes a hint for an object or array-of-objects parameter as the whole value', async () => {
    const edits = [{ oldText: 'a', newText: 'b' }];
    const planned = await planner.planCall(
      request('edit', {
        inputSchema: schema({
          data: { type: 'object', properties: { city: { type: 'string' } } },
          edits: { type: 'array', items: { type: 'object', properties: { oldText: { type: 'string' }, newText: { type: 'string' } }, required: ['oldText', 'newText'] } },
        }),
        hints: { data: [{ city: 'Lisbon', nights: 3 }], edits: [edits] },
      }),
    );
    expect(planned.arguments).toEqual({ data: { city: 'Lisbon', nights: 3 }, edits });
  });

  it('sends an optional parameter only when a hint names it for this tool', async () => {
    const inputSchema = schema({ query: { type: 'string' }, mode: { type: 'string' } }, ['query']);
    const generic = await planner.planCall(request('search', { inputSchema, hints: { query: ['Ada'], mode: ['rename'] } }));
    expect(generic.arguments).toEqual({ query: 'Ada' });
    const named = await planner.planCall(request('search', { inputSchema, hints: { query: ['Ada'], 'search.mode': ['rename'] } }));
    expect(named.arguments).toEqual({ query: 'Ada', mode: 'rename' });
  });
});
