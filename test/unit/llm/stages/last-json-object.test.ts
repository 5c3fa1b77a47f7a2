import { describe, expect, it } from 'vitest';
import { lastJsonObject } from '../../../../src/llm/stages/last-json-object.js';

describe('lastJsonObject', () => {
  it('reads the last top-level object, around prose, fences and braces inside strings', () => {
    expect(lastJsonObject('Draft {"a": 1}. Final:\n```json\n{"name": "Ada {the first}", "n": {"x": 2}}\n```')).toEqual({ name: 'Ada {the first}', n: { x: 2 } });
  });

  it('skips what does not parse and finds nothing in plain text', () => {
    expect(lastJsonObject('{"a": 1} then {broken')).toEqual({ a: 1 });
    expect(lastJsonObject('The answer is 42.')).toBeUndefined();
    expect(lastJsonObject('[1, 2]')).toBeUndefined();
  });
});
