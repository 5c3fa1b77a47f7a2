import { describe, expect, it } from 'vitest';
import { environmentsOf, type EnvDataset, type EnvTask } from '../../../src/env/env-dataset.js';
import { argumentForms } from '../../../src/env/argument-forms.js';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { handMadeInput } from '../simulator/fixtures.js';

const cache = SimulatorCache.fromRecording(handMadeInput());
const task = (id: string, servers: string[]): EnvTask => ({ id, split: 'train', instruction: id, answerSchema: {}, groundTruth: [], tools: [], trajectory: [], startState: '', servers });

describe('environmentsOf', () => {
  it('serves a single server\'s dataset as one environment', () => {
    const dataset: EnvDataset = { name: 'memory', cache, tasks: [task('a', ['memory']), task('b', ['memory'])] };
    expect(environmentsOf(dataset)).toEqual([dataset]);
  });

  it('gives a fleet one environment per server set beside the whole dataset, each task in the one of its servers', () => {
    const dataset: EnvDataset = { name: 'fleet', cache, tasks: [task('a', ['memory']), task('b', ['filesystem', 'memory']), task('c', ['memory'])] };
    const environments = environmentsOf(dataset);
    expect(environments.map((e) => [e.name, e.tasks.map((t) => t.id)])).toEqual([
      ['fleet', ['a', 'b', 'c']],
      ['filesystem-memory', ['b']],
      ['memory', ['a', 'c']],
    ]);
  });
});

describe('argumentForms', () => {
  const schema = { type: 'object', properties: { path: { type: 'string' }, depth: { type: 'number', default: 1 }, tail: { type: 'number' } }, required: ['path'] };

  it('drops the optional nulls, and then the optional values equal to their default, never a required argument', () => {
    expect(argumentForms(schema, { path: 'a', depth: 1, tail: null })).toEqual({
      given: { path: 'a', depth: 1, tail: null },
      withoutNulls: { path: 'a', depth: 1 },
      withoutDefaults: { path: 'a' },
    });
    expect(argumentForms({ ...schema, required: ['path', 'tail'] }, { path: 'a', tail: null }).withoutNulls).toEqual({ path: 'a', tail: null });
  });
});
