/** Memory-server-like tool profiles, their candidate pairs, and one synthesized task, shared by the judge tests. */
import type { Task, ToolProfile } from '../../../../src/domain.js';
import { candidatePairs, type CandidatePair } from '../../../../src/graph/edge-judge.js';

export const PROFILES: ToolProfile[] = [
  {
    name: 'read_graph',
    description: 'Read the entire knowledge graph',
    inputs: [],
    outputs: [
      { path: 'entities[].name', type: 'string', description: 'entity name', example: 'Ada Lovelace' },
      { path: 'entities[].entityType', type: 'string', example: 'person' },
    ],
  },
  {
    name: 'search_nodes',
    description: 'Search the knowledge graph for nodes matching a query',
    inputs: [{ path: 'query', type: 'string', required: true, description: 'text to match against names, types and observations' }],
    outputs: [{ path: 'entities[].name', type: 'string', example: 'Ada Lovelace' }],
  },
  {
    name: 'open_nodes',
    description: 'Open nodes by name',
    inputs: [{ path: 'names[]', type: 'string', required: true, description: 'entity names to open' }],
    outputs: [{ path: 'entities[].observations[]', type: 'string', example: 'wrote the first program' }],
  },
];

export const PAIRS: CandidatePair[] = candidatePairs(PROFILES);

export function pairOf(from: string, to: string): CandidatePair {
  const pair = PAIRS.find((p) => p.source.name === from && p.target.name === to);
  if (!pair) throw new Error(`no candidate pair ${from} → ${to}`);
  return pair;
}

export const TASK: Task = {
  id: 'task-1',
  runId: 'run-1',
  server: 'memory',
  subDagIndex: 0,
  instruction: 'Find the person in the knowledge graph whose name starts with "Ada" and tell me one thing they did.',
  answerSchema: { type: 'object', properties: { name: { type: 'string' }, observation: { type: 'string' } }, required: ['name', 'observation'] },
  groundTruth: [
    { field: 'name', value: 'Ada Lovelace', source: { trajectoryStep: 0, path: 'entities[0].name' } },
    { field: 'observation', value: 'wrote the first program', source: { trajectoryStep: 1, path: 'entities[0].observations[0]' } },
  ],
  answerTemplate: '{name} {observation}.',
  difficulty: 'medium',
  trajectory: [
    {
      tool: 'search_nodes',
      arguments: { query: 'Ada' },
      result: { structuredContent: { entities: [{ name: 'Ada Lovelace', padding: 'x'.repeat(2000) }] } },
      isError: false,
      links: [],
      recorded: { subDagIndex: 0, step: 0 },
    },
    {
      tool: 'open_nodes',
      arguments: { names: ['Ada Lovelace'] },
      result: { structuredContent: { entities: [{ name: 'Ada Lovelace', observations: ['wrote the first program'] }] } },
      isError: false,
      links: [{ argument: 'names[0]', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }],
      recorded: { subDagIndex: 0, step: 1 },
    },
  ],
  synthesizer: 'claude-sonnet-4-6',
};

/** Five passing criteria, with `overrides` replacing some. */
export function criteria(overrides: Record<string, { pass: boolean; reason: string }> = {}) {
  const pass = (reason: string) => ({ pass: true, reason });
  return {
    solvable: pass('search then open finds both fields'),
    unique: pass('one entity matches'),
    natural: pass('reads like a real question'),
    noLeakage: pass('the answer is not in the instruction'),
    nonTrivial: pass('needs two lookups'),
    ...overrides,
  };
}
