import { describe, expect, it } from 'vitest';
import type { JsonValue, TrajectoryStep } from '../../../src/domain.js';
import { answerCandidates, uniqueFieldNames, type AnswerField } from '../../../src/synthesize/answer-fields.js';
import { answerRequest, answerTemplate, instructionBody } from '../../../src/synthesize/instruction.js';
import { ordinal, singular, words } from '../../../src/synthesize/words.js';
import { CLOCK, byName, memoryResult } from './fixtures/episodes.js';
import { memoryTools } from '../graph/fixtures/memory-server.js';

const values = (fields: AnswerField[]) => fields.map((f) => f.value);

describe('answerCandidates', () => {
  it('keeps strings and numbers a user could not know, in document order, earlier elements first', () => {
    const output = {
      entities: [
        { name: 'Ada Lovelace', entityType: 'person' },
        { name: 'London', entityType: 'city' },
      ],
      total: 2,
    };
    const fields = answerCandidates(output, 1, 'Using the memory service, do the following:\n1. Read the entire knowledge graph.');
    expect(fields.map((f) => [f.path, f.value])).toEqual([
      ['entities[0].name', 'Ada Lovelace'],
      ['entities[0].entityType', 'person'],
      ['total', 2],
      ['entities[1].name', 'London'],
      ['entities[1].entityType', 'city'],
    ]);
    expect(fields[0]).toMatchObject({ field: 'name', trajectoryStep: 1, description: 'the name of the first entity returned in step 2' });
    expect(fields[4]?.description).toBe('the entity type of the second entity returned in step 2');
  });

  it('names an element of a list of values by its position, so that the request points at one value', () => {
    const output = { entities: [{ name: 'Ada Lovelace', observations: ['Born in London in 1815', 'Wrote the first program'] }], tags: ['math', 'poetry'] };
    const described = Object.fromEntries(answerCandidates(output, 2, '').map((f) => [f.path, f.description]));
    expect(described).toEqual({
      'entities[0].name': 'the name of the first entity returned in step 3',
      'entities[0].observations[0]': 'the first observation of the first entity returned in step 3',
      'entities[0].observations[1]': 'the second observation of the first entity returned in step 3',
      'tags[0]': 'the first tag returned in step 3',
      'tags[1]': 'the second tag returned in step 3',
    });
    expect(answerCandidates({ requestId: 'req-3', task: { id: 'task-6' } }, 0, '').map((f) => f.description)).toEqual([
      'the request id returned in step 1',
      'the id of the task returned in step 1',
    ]);
  });

  it('does not offer the kind of an MCP content block as an answer', () => {
    const output: JsonValue = [{ type: 'text', text: 'Allowed directories' }, { type: 'resource', uri: 'file:///notes/todo.md', mimeType: 'text/markdown' }];
    expect(values(answerCandidates(output, 0, ''))).toEqual(['Allowed directories', 'file:///notes/todo.md', 'text/markdown']);
  });

  it('drops status keys, booleans, nulls, one-character and overlong text, and values the instruction shows', () => {
    const output = {
      status: 'next_task',
      message: 'Next task is ready.',
      success: true,
      approved: false,
      note: null,
      grade: 'B',
      essay: 'x'.repeat(401),
      requestId: 'req-3',
      title: 'Back up the database',
      count: 7,
    };
    const instruction = '1. Plan tasks with title "Back up the database" and count 7.';
    expect(values(answerCandidates(output, 0, instruction))).toEqual(['req-3']);
  });

  it('never offers a clock time: Date strings, ISO timestamps, bare times', () => {
    const info = {
      size: 20,
      created: CLOCK,
      modified: '2026-11-25T12:14:49.000Z',
      accessed: 'at 12:14:49',
      owner: 'dana',
    };
    expect(values(answerCandidates(info, 0, ''))).toEqual([20, 'dana']);
    // As the filesystem server writes it (one text block), the whole text is clock-stamped: nothing.
    expect(answerCandidates({ content: `size: 20\ncreated: ${CLOCK}` }, 0, '')).toEqual([]);
  });

  it('reads numbers as whole tokens against the instruction: 12 is not shown by "2012"', () => {
    expect(values(answerCandidates({ count: 12 }, 0, 'Released in 2012.'))).toEqual([12]);
    expect(values(answerCandidates({ count: 12 }, 0, 'There are 12 items.'))).toEqual([]);
  });

  it('drops a value the instruction shows only JSON-escaped (a multi-line argument)', () => {
    const content = 'line one\nline "two"';
    const instruction = `1. Write a file with content ${JSON.stringify(content)}.`;
    expect(answerCandidates({ content, size: 19 }, 0, instruction).map((f) => f.field)).toEqual(['size']);
  });
});

describe('uniqueFieldNames', () => {
  it('numbers repeated names from the second on', () => {
    const field = (name: string): AnswerField => ({ field: name, value: name, path: name, trajectoryStep: 0, description: '' });
    expect(uniqueFieldNames([field('name'), field('id'), field('name'), field('name')]).map((f) => f.field)).toEqual(['name', 'id', 'name2', 'name3']);
  });
});

describe('instruction', () => {
  const step = (tool: string, args: TrajectoryStep['arguments'], links: TrajectoryStep['links'] = []): TrajectoryStep => ({
    tool,
    arguments: args,
    result: memoryResult({ entities: [] }),
    isError: false,
    links,
    recorded: { subDagIndex: 0, step: 0 },
  });

  it('phrases each step from the opening clause of the tool description, writes given values as JSON and linked ones as references', () => {
    const body = instructionBody('memory', [
      step('search_nodes', { query: 'Babbage' }),
      step('open_nodes', { names: ['Charles Babbage', 'London'] }, [{ argument: 'names[0]', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }]),
      step('read_graph', {}),
    ], byName(memoryTools));
    expect(body.split('\n').slice(1)).toEqual([
      '1. Search for nodes with query "Babbage".',
      "2. Open specific nodes with names [[the first entity's name from step 1], \"London\"].",
      '3. Read the entire knowledge graph.',
    ]);
    expect(body.split('\n')[0]).toMatch(/memory/);
  });

  it('replaces a tool name found in a description with words, and falls back to the name when there is no description', () => {
    const tools = byName([
      { name: 'get_next_task', description: 'Call get_next_task after planning.', inputSchema: { type: 'object' } },
      { name: 'list_requests', description: '', inputSchema: { type: 'object' } },
    ]);
    const body = instructionBody('taskmanager', [step('get_next_task', {}), step('list_requests', {})], tools);
    expect(body).toContain('1. Call get next task after planning.');
    expect(body).toContain('2. List requests.');
    expect(body).not.toContain('get_next_task');
  });

  it('takes no more than a short clause of a description, and the name when the description opens with no verb', () => {
    const tools = byName([
      { name: 'read_text_file', description: 'Read the complete contents of a file from the file system as text. Handles various text encodings and provides detailed error messages.', inputSchema: { type: 'object' } },
      { name: 'list_directory_with_sizes', description: 'Get a detailed listing of all files and directories in a specified path, including sizes', inputSchema: { type: 'object' } },
      { name: 'get_next_task', description: "Given a 'requestId', return the next pending task (not done yet)", inputSchema: { type: 'object' } },
      { name: 'create_entities', description: 'Creates multiple new entities in the knowledge graph', inputSchema: { type: 'object' } },
    ]);
    const body = instructionBody('files', [step('read_text_file', {}), step('list_directory_with_sizes', {}), step('get_next_task', {}), step('create_entities', {})], tools);
    expect(body.split('\n').slice(1)).toEqual(['1. Read the complete contents of a file.', '2. Get a detailed listing of all files.', '3. Get next task.', '4. Create multiple new entities.']);
  });

  it('opens tasks in more than one way', () => {
    const openings = new Set(['Ada', 'Bob', 'Eve', 'Max', 'Zoe', 'Ann', 'Tom', 'Lea'].map((query) => instructionBody('memory', [step('search_nodes', { query })], byName(memoryTools)).split('\n')[0]));
    expect(openings.size).toBeGreaterThan(2);
  });

  it('asks for the fields grouped by what holds them, and templates one slot per field', () => {
    const fields: AnswerField[] = [
      { field: 'name', value: 'Ada', path: 'entities[0].name', trajectoryStep: 0, description: 'the name of the first entity returned in step 1' },
      { field: 'entityType', value: 'person', path: 'entities[0].entityType', trajectoryStep: 0, description: 'the entity type of the first entity returned in step 1' },
      { field: 'name2', value: 'London', path: 'entities[1].name', trajectoryStep: 0, description: 'the name of the second entity returned in step 1' },
    ];
    expect(answerRequest(fields)).toBe(
"Then report the first entity's name and entity type from step 1 and the second entity's name from step 1.",
    );
    expect(answerTemplate(fields)).toBe('The name is {name}, the entity type is {entityType} and the name is {name2}.');
    expect(answerTemplate(fields.slice(0, 1))).toBe('The name is {name}.');
  });
});

describe('words', () => {
  it('turns identifiers into words', () => {
    expect(words('entityType')).toBe('entity type');
    expect(words('request_planning')).toBe('request planning');
    expect(words('X-Request-Id')).toBe('x request id');
  });

  it('makes plurals singular and counts from first', () => {
    expect(['entities', 'addresses', 'boxes', 'tasks', 'class'].map(singular)).toEqual(['entity', 'address', 'box', 'task', 'class']);
    expect([0, 1, 2, 9].map(ordinal)).toEqual(['first', 'second', 'third', 'tenth']);
  });
});

describe('answerCandidates: values that hold and read as answers', () => {
  it('asks for the one new number of a sentence, never the sentence', () => {
    const fields = answerCandidates({ text: 'The temperature in Lisbon is 19 degrees Celsius.' }, 1, 'city "Lisbon"');
    expect(fields.map((f) => [f.path, f.value, f.description])).toEqual([['text#number[0]', 19, 'the number in the text returned in step 2']]);
    expect(answerCandidates({ text: 'Between 3 and 7 guests came to the opening night.' }, 0, '')).toEqual([]);
    expect(answerCandidates({ text: 'The meeting moved to the larger room upstairs.' }, 0, '')).toEqual([]);
  });

  it('reads a short listing line by line, and JSON written as text not at all', () => {
    expect(values(answerCandidates({ content: '[FILE] a.md\n[DIR] notes' }, 0, ''))).toEqual(['[FILE] a.md', '[DIR] notes']);
    expect(answerCandidates({ content: '{\n  "name": "a.md",\n  "type": "file"\n}' }, 0, '')).toEqual([]);
  });

  it('never answers with a volatile path, a sandbox path or a redacted value', () => {
    const output = { id: 'f3a9', title: 'Plan', path: '${sandbox}/notes/plan.md', token: '[REDACTED:jwt]' };
    expect(values(answerCandidates(output, 0, '', [{ path: 'id', reason: 'changed' }]))).toEqual(['Plan']);
  });

  it('never answers with bytes decoded as text', () => {
    const output = { decoded: 'j\uFFFDe{\uFFFD', control: 'ab\u0002cd', name: 'Zoë Ångström' };
    expect(values(answerCandidates(output, 0, ''))).toEqual(['Zoë Ångström']);
  });

  it('names the element of a top-level list', () => {
    expect(answerCandidates([{ name: 'Ada' }, { name: 'Grace' }], 0, '').map((f) => f.description)).toEqual([
      'the name of the first item returned in step 1',
      'the name of the second item returned in step 1',
    ]);
  });
});
