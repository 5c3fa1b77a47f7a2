import { describe, expect, it } from 'vitest';
import type { ToolEdge, ToolProfile } from '../../../src/domain.js';
import { candidatePairs } from '../../../src/graph/edge-judge.js';
import { OfflineEdgeJudge } from '../../../src/graph/offline-judge.js';
import { memoryTools } from './fixtures/memory-server.js';
import { profilesOf } from './fixtures/profiles.js';
import { taskManagerOutputs, taskManagerTools } from './fixtures/task-manager-server.js';

const judge = new OfflineEdgeJudge();

async function judged(profiles: ToolProfile[]): Promise<ToolEdge[]> {
  return judge.judge(candidatePairs(profiles));
}

function find(edges: ToolEdge[], from: string, to: string): ToolEdge | undefined {
  return edges.find((e) => e.from === from && e.to === to);
}

function mapped(edge: ToolEdge | undefined): Record<string, string> {
  return Object.fromEntries((edge?.mappings ?? []).map((m) => [m.input, m.output]));
}

/** Properties every edge of every judge run must have. */
function expectWellFormed(edges: ToolEdge[], profiles: ToolProfile[]): void {
  const byName = new Map(profiles.map((p) => [p.name, p]));
  for (const edge of edges) {
    const source = byName.get(edge.from);
    const target = byName.get(edge.to);
    expect(edge.from).not.toBe(edge.to);
    expect(edge.judge).toBe('offline');
    expect(edge.reason.length).toBeGreaterThan(0);
    expect(edge.mappings.length).toBeGreaterThan(0);
    // At most one output field per input parameter.
    expect(new Set(edge.mappings.map((m) => m.input)).size).toBe(edge.mappings.length);
    for (const m of edge.mappings) {
      expect(target?.inputs.map((f) => f.path)).toContain(m.input);
      expect(source?.outputs.map((f) => f.path)).toContain(m.output);
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThanOrEqual(1);
    }
  }
}

describe('OfflineEdgeJudge on @modelcontextprotocol/server-memory', async () => {
  const profiles = profilesOf(memoryTools);
  const edges = await judged(profiles);

  it('produces well-formed edges', () => {
    expectWellFormed(edges, profiles);
  });

  it('links created entities to the tools that take entity names, with high confidence', () => {
    expect(find(edges, 'create_entities', 'open_nodes')?.confidence).toBe('high');
    expect(mapped(find(edges, 'create_entities', 'open_nodes'))).toEqual({ 'names[]': 'entities[].name' });
    expect(find(edges, 'create_entities', 'add_observations')?.confidence).toBe('high');
    expect(mapped(find(edges, 'create_entities', 'add_observations'))['observations[].entityName']).toBe('entities[].name');
    expect(find(edges, 'read_graph', 'delete_entities')?.confidence).toBe('high');
    expect(mapped(find(edges, 'read_graph', 'delete_entities'))).toEqual({ 'entityNames[]': 'entities[].name' });
  });

  it('maps role parameters (from, to) to entity names through their descriptions', () => {
    const edge = find(edges, 'create_entities', 'create_relations');
    expect(edge?.confidence).toBe('high');
    expect(mapped(edge)).toMatchObject({ 'relations[].from': 'entities[].name', 'relations[].to': 'entities[].name' });
  });

  it('never links into read_graph, which has no parameters', () => {
    expect(edges.filter((e) => e.to === 'read_graph')).toEqual([]);
  });

  it('finds no edge out of tools that only report success', () => {
    const silent = ['delete_entities', 'delete_observations', 'delete_relations'];
    expect(edges.filter((e) => silent.includes(e.from))).toEqual([]);
  });

  it('rates re-creating an entity that was read below high: the name defines a new entity', () => {
    expect(find(edges, 'read_graph', 'create_entities')?.confidence).toBe('medium');
  });

  it('rejects some candidate pairs: the graph is not complete', () => {
    expect(edges.length).toBeLessThan(candidatePairs(profiles).length);
  });
});

describe('OfflineEdgeJudge on @kazuph/mcp-taskmanager (outputs learned from values)', async () => {
  const profiles = profilesOf(taskManagerTools, taskManagerOutputs);
  const edges = await judged(profiles);

  it('produces well-formed edges', () => {
    expectWellFormed(edges, profiles);
  });

  it('feeds the planned request id into get_next_task', () => {
    const edge = find(edges, 'request_planning', 'get_next_task');
    expect(edge?.confidence).toBe('high');
    expect(mapped(edge)).toEqual({ requestId: 'requestId' });
  });

  it('feeds the next task id into mark_task_done', () => {
    const edge = find(edges, 'get_next_task', 'mark_task_done');
    expect(['high', 'medium']).toContain(edge?.confidence);
    expect(mapped(edge)).toEqual({ taskId: 'task.id' });
  });

  it('never crosses ids of different things', () => {
    const crossed = edges.flatMap((e) => e.mappings).filter((m) => (m.input === 'taskId' && /request/i.test(m.output)) || (m.input === 'requestId' && /task/i.test(m.output)));
    expect(crossed).toEqual([]);
    expect(find(edges, 'list_requests', 'open_task_details')).toBeUndefined();
  });

  it('grades copying a title into a new plan as low at most', () => {
    const edge = find(edges, 'get_next_task', 'request_planning');
    expect(edge?.confidence).toBe('low');
  });

  it('never links into list_requests, which has no parameters', () => {
    expect(edges.filter((e) => e.to === 'list_requests')).toEqual([]);
  });
});

describe('OfflineEdgeJudge on free text and examples', () => {
  const readFile: ToolProfile = {
    name: 'read_file',
    description: 'Read the complete contents of a file',
    inputs: [{ path: 'path', type: 'string', required: true }],
    outputs: [{ path: 'content', type: 'string', example: 'hello' }],
  };

  it('gives a text that lists paths only a low-confidence edge to a path parameter', async () => {
    const search: ToolProfile = {
      name: 'search_files',
      description: 'Recursively search for files',
      inputs: [{ path: 'pattern', type: 'string', required: true }],
      outputs: [{ path: 'text', type: 'string', example: '/data/a.txt\n/data/sub/b.md' }],
    };
    const edges = await judged([search, readFile]);
    expect(find(edges, 'search_files', 'read_file')?.confidence).toBe('low');
    expect(mapped(find(edges, 'search_files', 'read_file'))).toEqual({ path: 'text' });
  });

  it('never rates a generic text field high, even under the same name', async () => {
    const greet: ToolProfile = { name: 'get_greeting_text', description: 'Returns a greeting', inputs: [], outputs: [{ path: 'text', type: 'string', example: 'hi there' }] };
    const speak: ToolProfile = { name: 'speak', description: 'Speaks a text', inputs: [{ path: 'text', type: 'string', required: true, description: 'The text to speak' }], outputs: [] };
    const edges = await judged([greet, speak]);
    expect(edges.map((e) => [e.from, e.to, e.confidence])).toEqual([['get_greeting_text', 'speak', 'low']]);
  });

  it('rejects a free text with nothing in common with the parameter', async () => {
    const status: ToolProfile = { name: 'status', description: 'Server status', inputs: [], outputs: [{ path: 'message', type: 'string', example: 'All good, 3 workers running' }] };
    expect(await judged([status, readFile])).toEqual([]);
  });

  it('rejects an id parameter fed from prose', async () => {
    const source: ToolProfile = {
      name: 'get_ticket',
      description: 'Reads a ticket',
      inputs: [],
      outputs: [{ path: 'ticketId', type: 'string', example: 'See the attached notes for the details of this ticket, please.' }],
    };
    const target: ToolProfile = { name: 'close_ticket', description: 'Closes a ticket', inputs: [{ path: 'ticketId', type: 'string', required: true }], outputs: [] };
    expect(await judged([source, target])).toEqual([]);
    const withId = await judged([{ ...source, outputs: [{ path: 'ticketId', type: 'string', example: 'T-1042' }] }, target]);
    expect(find(withId, 'get_ticket', 'close_ticket')?.confidence).toBe('high');
  });

  it('maps an enum parameter only from outputs whose example is in the enum', async () => {
    const target: ToolProfile = {
      name: 'list_issues',
      description: 'Lists issues',
      inputs: [{ path: 'state', type: 'string', enum: ['open', 'closed'], required: true }],
      outputs: [],
    };
    const source = (example: string): ToolProfile => ({ name: 'get_issue', description: 'Reads an issue', inputs: [], outputs: [{ path: 'state', type: 'string', example }] });
    expect(mapped(find(await judged([source('open'), target]), 'get_issue', 'list_issues'))).toEqual({ state: 'state' });
    expect(await judged([source('pending'), target])).toEqual([]);
    // The judge checks on its own too, for pairs that did not come through candidatePairs.
    const [input] = target.inputs;
    const [output] = source('pending').outputs;
    if (!input || !output) throw new Error('fixture lost its fields');
    expect(await judge.judge([{ source: source('pending'), target, candidates: [{ input, output }] }])).toEqual([]);
  });

  it('is deterministic', async () => {
    const profiles = profilesOf(taskManagerTools, taskManagerOutputs);
    expect(await judged(profiles)).toEqual(await judged(profilesOf(taskManagerTools, taskManagerOutputs)));
  });
  it('lets parameters whose names promise nothing take any output of their type, as low edges only', async () => {
    const weather: ToolProfile = {
      name: 'get-structured-content',
      description: 'Returns structured weather data',
      inputs: [],
      outputs: [
        { path: 'temperature', type: 'number', example: 36 },
        { path: 'conditions', type: 'string', example: 'Light rain' },
      ],
    };
    const sum: ToolProfile = {
      name: 'get-sum',
      description: 'Returns the sum of two numbers',
      inputs: [{ path: 'a', type: 'number', required: true }, { path: 'b', type: 'number', required: true }],
      outputs: [],
    };
    const edges = await judged([weather, sum]);
    expect(edges).toHaveLength(1);
    expect(edges[0]?.confidence).toBe('low');
    expect(mapped(edges[0])).toEqual({ a: 'temperature', b: 'temperature' });
  });
});
