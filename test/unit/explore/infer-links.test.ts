import { describe, expect, it } from 'vitest';
import type { CallPhase, JsonObject, JsonValue, RecordedCall } from '../../../src/domain.js';
import { inferLinks } from '../../../src/explore/infer-links.js';

/** A recorded call whose output is `output` (as a text block holding its JSON, as most servers answer). */
function call(step: number, output: JsonValue, options: { isError?: boolean; phase?: CallPhase; structured?: boolean } = {}): RecordedCall {
  const result: JsonObject = options.structured
    ? { content: [], structuredContent: output }
    : { content: [{ type: 'text', text: JSON.stringify(output) }] };
  if (options.isError) result.isError = true;
  return {
    runId: 'run-infer-links',
    subDagIndex: 0,
    step,
    phase: options.phase ?? 'explore',
    tool: `tool-${step}`,
    arguments: {},
    result,
    isError: options.isError ?? false,
    latencyMs: 1,
    links: [],
    planner: 'anthropic:claude-sonnet-4-6',
  };
}

const created = [{ name: 'Grace Hopper', entityType: 'person', observations: ['Wrote the first compiler'] }];

describe('inferLinks', () => {
  it('links an argument leaf to the earlier output leaf holding the same value, with both paths', () => {
    const links = inferLinks({ names: ['Grace Hopper'] }, [call(2, created)]);
    expect(links).toEqual([{ argument: 'names[0]', fromStep: 2, outputPath: '[0].name', value: 'Grace Hopper' }]);
  });

  it('addresses nested argument leaves by their concrete path', () => {
    const args = { observations: [{ entityName: 'Grace Hopper', contents: ['Admiral'] }] };
    expect(inferLinks(args, [call(2, created)])).toEqual([
      { argument: 'observations[0].entityName', fromStep: 2, outputPath: '[0].name', value: 'Grace Hopper' },
    ]);
  });

  it('reads structuredContent when the server gives it', () => {
    const output = { task: { id: 'task-0042', title: 'Write the report' } };
    expect(inferLinks({ taskId: 'task-0042' }, [call(3, output, { structured: true })])).toEqual([
      { argument: 'taskId', fromStep: 3, outputPath: 'task.id', value: 'task-0042' },
    ]);
  });

  it('takes the latest call holding the value as its source', () => {
    const earlier = [call(2, created), call(3, { entities: [{ name: 'Grace Hopper' }] }), call(4, { other: 'thing' })];
    expect(inferLinks({ names: ['Grace Hopper'] }, earlier)).toEqual([
      { argument: 'names[0]', fromStep: 3, outputPath: 'entities[0].name', value: 'Grace Hopper' },
    ]);
  });

  it('prefers a field named like the argument over the first one in the output', () => {
    const output = { from: 'Grace Hopper', to: 'Navy', owner: { name: 'Grace Hopper' } };
    expect(inferLinks({ name: 'Grace Hopper' }, [call(2, output)])[0]?.outputPath).toBe('owner.name');
    expect(inferLinks({ person: 'Grace Hopper' }, [call(2, output)])[0]?.outputPath).toBe('from');
  });

  it('ignores failed calls, setup calls and values too common to show data flow', () => {
    const failed = call(2, { name: 'Grace Hopper' }, { isError: true });
    const setup = call(0, { name: 'Ada Lovelace', count: 42 }, { phase: 'setup' });
    const ordinary = call(3, { ok: true, n: 2, code: 'ok', big: 1234, ratio: 0.5 });
    const args = { a: 'Grace Hopper', b: 'Ada Lovelace', c: true, d: 2, e: 'ok', f: 1234, g: 0.5, h: 42 };
    expect(inferLinks(args, [setup, failed, ordinary]).map((l) => [l.argument, l.outputPath])).toEqual([
      ['f', 'big'],
      ['g', 'ratio'],
    ]);
  });

  it('never links a redaction marker', () => {
    const output = { apiKey: '[REDACTED:keyed-token]', user: 'grace', note: 'key [REDACTED] granted' };
    expect(inferLinks({ key: '[REDACTED:keyed-token]', note: 'key [REDACTED] granted', user: 'grace' }, [call(2, output)])).toEqual([
      { argument: 'user', fromStep: 2, outputPath: 'user', value: 'grace' },
    ]);
  });

  it('compares values with their types: a number does not link to the same digits as text', () => {
    expect(inferLinks({ id: '1234' }, [call(2, { id: 1234 })])).toEqual([]);
    expect(inferLinks({ id: 1234 }, [call(2, { id: 1234 })])).toHaveLength(1);
  });

  it('finds nothing without earlier calls or arguments', () => {
    expect(inferLinks({ names: ['Grace Hopper'] }, [])).toEqual([]);
    expect(inferLinks({}, [call(2, created)])).toEqual([]);
  });
});
