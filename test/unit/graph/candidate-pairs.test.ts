import { describe, expect, it } from 'vitest';
import type { ToolProfile } from '../../../src/domain.js';
import { candidatePairs, type CandidatePair } from '../../../src/graph/edge-judge.js';
import { memoryTools } from './fixtures/memory-server.js';
import { profilesOf } from './fixtures/profiles.js';

const memory = profilesOf(memoryTools);

function pair(pairs: CandidatePair[], from: string, to: string): CandidatePair | undefined {
  return pairs.find((p) => p.source.name === from && p.target.name === to);
}

function mappings(p: CandidatePair | undefined): string[] {
  return (p?.candidates ?? []).map((c) => `${c.input.path} <- ${c.output.path}`);
}

describe('candidatePairs', () => {
  const pairs = candidatePairs(memory);

  it('never pairs a tool with itself and never targets a tool without parameters', () => {
    expect(pairs.some((p) => p.source.name === p.target.name)).toBe(false);
    expect(pairs.some((p) => p.target.name === 'read_graph')).toBe(false);
  });

  it('keeps only pairs with at least one type-compatible combination', () => {
    expect(pairs.every((p) => p.candidates.length > 0)).toBe(true);
    // delete_entities returns {success: boolean, message: string}: only its message can feed a string parameter.
    expect(new Set(pair(pairs, 'delete_entities', 'open_nodes')?.candidates.map((c) => c.output.path))).toEqual(new Set(['message']));
  });

  it('matches array elements with leaves of their element type', () => {
    expect(mappings(pair(pairs, 'create_entities', 'open_nodes'))).toContain('names[] <- entities[].name');
    expect(mappings(pair(pairs, 'create_entities', 'add_observations'))).toContain('observations[].entityName <- entities[].name');
  });

  it('pairs numbers with integers but not with strings or booleans', () => {
    const source: ToolProfile = {
      name: 'stats',
      description: 'Counts things',
      inputs: [],
      outputs: [
        { path: 'total', type: 'integer', example: 3 },
        { path: 'ratio', type: 'number', example: 0.5 },
        { path: 'ok', type: 'boolean', example: true },
      ],
    };
    const target: ToolProfile = {
      name: 'page',
      description: 'Pages through things',
      inputs: [
        { path: 'limit', type: 'number', required: true },
        { path: 'strict', type: 'boolean', required: false },
      ],
      outputs: [],
    };
    const found = candidatePairs([source, target]);
    expect(found).toHaveLength(1);
    expect(mappings(found[0])).toEqual(['limit <- total', 'limit <- ratio']);
  });

  it('drops outputs whose known values fall outside an enum parameter', () => {
    const source: ToolProfile = {
      name: 'get_issue',
      description: 'Reads an issue',
      inputs: [],
      outputs: [
        { path: 'state', type: 'string', example: 'open' },
        { path: 'priority', type: 'string', example: 'urgent' },
        { path: 'title', type: 'string' },
      ],
    };
    const target: ToolProfile = {
      name: 'list_issues',
      description: 'Lists issues',
      inputs: [{ path: 'state', type: 'string', enum: ['open', 'closed'], required: false }],
      outputs: [],
    };
    expect(mappings(candidatePairs([source, target])[0])).toEqual(['state <- state', 'state <- title']);
  });

  it('emits nothing when no output can feed any parameter', () => {
    const onlyBooleans: ToolProfile = { name: 'ping', description: 'Pings', inputs: [], outputs: [{ path: 'ok', type: 'boolean' }] };
    const needsText: ToolProfile = { name: 'echo', description: 'Echoes', inputs: [{ path: 'text', type: 'string', required: true }], outputs: [] };
    expect(candidatePairs([onlyBooleans, needsText])).toEqual([]);
  });
});
