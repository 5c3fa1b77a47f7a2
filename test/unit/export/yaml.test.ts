import { describe, expect, it } from 'vitest';
import { toYaml } from '../../../src/export/yaml.js';
import { parseYamlSubset } from './yaml-subset.js';

describe('toYaml', () => {
  it('writes block YAML that reads back to the same value', () => {
    const value = {
      license: 'other',
      count: 3,
      flag: true,
      tricky: ['yes', 'no', '1.0', 'a: b', '# not a comment', '"quoted"', 'null', ''],
      empty: [],
      nothing: {},
      configs: [
        { config_name: 'tasks', data_files: [{ split: 'train', path: 'tasks.jsonl' }] },
        { config_name: 'rl', data_files: [{ split: 'train', path: 'rl.jsonl' }] },
      ],
      nested: { inner: { deep: 'x' } },
    };
    expect(parseYamlSubset(toYaml(value))).toEqual(value);
  });

  it('refuses keys that would need quoting', () => {
    expect(() => toYaml({ 'a key': 'x' })).toThrow(RangeError);
  });
});

describe('parseYamlSubset', () => {
  it('rejects what is not in the subset, so it cannot pass a broken header', () => {
    expect(() => parseYamlSubset('a: 1\n  b: 2\n')).toThrow(SyntaxError);
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(SyntaxError);
    expect(() => parseYamlSubset('a: "unclosed\n')).toThrow(SyntaxError);
    expect(() => parseYamlSubset('just text\n')).toThrow(SyntaxError);
  });
});
