import { describe, expect, it } from 'vitest';
import { canonicalArguments } from '../../../src/simulator/canonical.js';

describe('canonicalArguments', () => {
  it('sorts object keys at every depth and drops insignificant whitespace', () => {
    const a = canonicalArguments({ b: 1, a: { d: [{ z: 1, y: 2 }], c: true } });
    const b = canonicalArguments(JSON.parse('{ "a" : { "c" : true , "d" : [ { "y" : 2, "z" : 1 } ] } ,\n "b" : 1 }'));
    expect(a).toBe('{"a":{"c":true,"d":[{"y":2,"z":1}]},"b":1}');
    expect(b).toBe(a);
  });

  it('keeps array order: a list is not a set', () => {
    expect(canonicalArguments({ names: ['b', 'a'] })).not.toBe(canonicalArguments({ names: ['a', 'b'] }));
  });

  it('writes each number in one form', () => {
    expect(canonicalArguments(JSON.parse('{"a": 1.0, "b": 1e0, "c": 10e-1, "d": 1.50, "e": 1E21, "f": 0.000001}'))).toBe(
      '{"a":1,"b":1,"c":1,"d":1.5,"e":1e+21,"f":0.000001}',
    );
    expect(canonicalArguments({ n: -0 })).toBe('{"n":0}');
    expect(canonicalArguments([-0, 0])).toBe('[0,0]');
  });

  it('keeps strings exactly: a live server may treat " Ada" and "Ada" as different names', () => {
    expect(canonicalArguments({ query: '  Ada \n', ' key ': 'x' })).toBe('{" key ":"x","query":"  Ada \\n"}');
    expect(canonicalArguments({ names: [' Ada'] })).not.toBe(canonicalArguments({ names: ['Ada'] }));
    expect(canonicalArguments({ q: 'Ada  Lovelace' })).not.toBe(canonicalArguments({ q: 'Ada Lovelace' }));
  });

  it('keeps types apart: "1" is not 1, null is not "null", false is not 0', () => {
    expect(canonicalArguments({ a: '1' })).not.toBe(canonicalArguments({ a: 1 }));
    expect(canonicalArguments({ a: 'null' })).not.toBe(canonicalArguments({ a: null }));
    expect(canonicalArguments({ a: false })).not.toBe(canonicalArguments({ a: 0 }));
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalArguments({ s: 'a"b\\c\u0000\n' })).toBe('{"s":"a\\"b\\\\c\\u0000\\n"}');
  });

  it('refuses values JSON cannot hold, naming where they are', () => {
    expect(() => canonicalArguments({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\] is NaN/);
    expect(() => canonicalArguments({ a: Infinity })).toThrow(TypeError);
  });
});
