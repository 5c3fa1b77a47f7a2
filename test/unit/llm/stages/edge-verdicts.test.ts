import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../../../src/domain.js';
import { edgesFromJudgements, parseJudgements } from '../../../../src/llm/stages/edge-verdicts.js';
import { pairOf } from './judge-fixtures.js';

const batch = [pairOf('read_graph', 'open_nodes'), pairOf('search_nodes', 'open_nodes'), pairOf('read_graph', 'search_nodes')];
const yes = (pair: string, mappings: JsonValue[], confidence = 'high'): JsonObject => ({ pair, edge: true, confidence, mappings, reason: 'names feed names' });

describe('edge judgements → edges, strictly', () => {
  it('turns valid judgements into edges with confidence, mappings and reason; a "no" is no edge and no rejection', () => {
    const { edges, rejections } = edgesFromJudgements(
      [
        yes('P1', [{ input: 'names[]', output: 'entities[].name' }]),
        yes('P2', [{ input: 'names[]', output: 'entities[].name' }], 'medium'),
        { pair: 'P3', edge: false, confidence: 'low', mappings: [], reason: 'a name is not a search query' },
      ],
      batch,
      0,
      'claude-haiku-4-5',
    );
    expect(edges).toEqual([
      { from: 'read_graph', to: 'open_nodes', confidence: 'high', mappings: [{ input: 'names[]', output: 'entities[].name', score: 0.8 }], judge: 'claude-haiku-4-5', reason: 'names feed names' },
      { from: 'search_nodes', to: 'open_nodes', confidence: 'medium', mappings: [{ input: 'names[]', output: 'entities[].name', score: 0.6 }], judge: 'claude-haiku-4-5', reason: 'names feed names' },
    ]);
    expect(rejections).toEqual([]);
  });

  it('rejects unknown ids, mappings outside the candidates, missing fields and double answers, and records omitted pairs', () => {
    const { edges, rejections } = edgesFromJudgements(
      [
        yes('P9', [{ input: 'names[]', output: 'entities[].name' }]),
        yes('P1', [{ input: 'names[]', output: 'entities[].observations[]' }]),
        { pair: 'P2', edge: true, mappings: [{ input: 'names[]', output: 'entities[].name' }], reason: 'no confidence given' },
        'not an object',
      ],
      batch,
      3,
      'm',
    );
    expect(edges).toEqual([]);
    expect(rejections.map((r) => [r.pair, r.kind, r.reason])).toEqual([
      ['P9', 'invalid', 'unknown pair id "P9": this request had P1…P3'],
      [undefined, 'invalid', 'a judgement is not an object'],
      ['P1', 'invalid', "mapping names[] ← entities[].observations[] is not among this pair's candidates"],
      ['P2', 'invalid', 'missing field: confidence must be one of high, medium, low, got null'],
      ['P3', 'omitted', 'the model gave no judgement for this pair'],
    ]);
    expect(rejections[2]).toMatchObject({ batch: 3, from: 'read_graph', to: 'open_nodes' });
    expect(rejections[2]!.raw).toContain('observations');

    const twice = edgesFromJudgements([yes('P1', [{ input: 'names[]', output: 'entities[].name' }]), yes('P1', [{ input: 'names[]', output: 'entities[].entityType' }])], batch.slice(0, 1), 0, 'm');
    expect(twice.edges).toEqual([]);
    expect(twice.rejections.map((r) => r.reason)).toEqual(['pair judged 2 times in one answer', 'pair judged 2 times in one answer']);
  });

  it('an edge without mappings or reason is rejected', () => {
    const { edges, rejections } = edgesFromJudgements([yes('P1', []), { pair: 'P2', edge: true, confidence: 'high', mappings: [{ input: 'names[]', output: 'entities[].name' }] }], batch.slice(0, 2), 0, 'm');
    expect(edges).toEqual([]);
    expect(rejections.map((r) => r.reason)).toEqual(['an edge needs at least one mapping (input ← output)', 'missing field: reason']);
  });

  it('a batch answer without a judgements array is unusable as a whole', () => {
    expect(parseJudgements({ judgement: [] })).toEqual({ ok: false, reason: 'missing field: "judgements" must be an array, got null' });
    expect(parseJudgements({ judgements: [] })).toEqual({ ok: true, value: [] });
  });
});
