/**
 * What the LLM edge judge sends: fixed instructions and one fixed tool (the stable, cacheable
 * prefix), then one user message per batch of candidate pairs. Each tool is described once per
 * batch, with only the fields some candidate of the batch uses, so a batch stays small however
 * many pairs share a tool. Pure, so the prompt is tested without a server.
 */
import type { FieldDescriptor, ToolProfile } from '../../domain.js';
import type { CandidatePair } from '../../graph/edge-judge.js';
import type { LlmTool } from '../types.js';

export const EDGE_TOOL_NAME = 'record_edge_judgements';

export const EDGE_JUDGE_SYSTEM = [
  'You judge a directed graph of MCP tools. An edge A → B means: a value from the output of tool A can be used,',
  'as it is, as an input parameter of tool B, in a realistic sequence of calls (e.g. search returns ids, open takes ids).',
  'Matching types are not enough: two strings are often unrelated (a name is not a file path, a query is not an id).',
  '',
  'You receive candidate pairs, each with an id (P1, P2…), and for each pair the mappings "input ← output" a',
  'cheap filter found type-compatible. Judge every pair, once, and answer with a single call of',
  `${EDGE_TOOL_NAME}, one judgement per pair id:`,
  '- edge: true only if at least one listed mapping is meaningful;',
  '- confidence: high (the output is clearly what the input expects), medium (plausible), low (possible but doubtful);',
  '- mappings: the meaningful mappings only, each copied exactly from the pair\'s list (input path, output path); empty when edge is false;',
  '- reason: one short sentence.',
  'Never invent pair ids or field paths.',
].join('\n');

const MAPPING_SCHEMA = {
  type: 'object',
  properties: {
    input: { type: 'string', description: "a parameter path of the pair's target tool" },
    output: { type: 'string', description: "an output path of the pair's source tool" },
  },
  required: ['input', 'output'],
};

/** The same for every batch (pair ids are checked afterwards), so the tool definition stays cacheable. */
export const EDGE_TOOL: LlmTool = {
  name: EDGE_TOOL_NAME,
  description: 'Record one judgement per candidate pair of this request.',
  inputSchema: {
    type: 'object',
    properties: {
      judgements: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            pair: { type: 'string', description: 'the pair id, e.g. P1' },
            edge: { type: 'boolean' },
            confidence: { type: 'string', enum: ['high', 'medium', 'low'] },
            mappings: { type: 'array', items: MAPPING_SCHEMA },
            reason: { type: 'string' },
          },
          required: ['pair', 'edge', 'confidence', 'mappings', 'reason'],
        },
      },
    },
    required: ['judgements'],
  },
};

const DESCRIPTION_CHARS = 300;
const EXAMPLE_CHARS = 60;

/** The id the model refers to the i-th pair of a batch by. */
export function pairId(index: number): string {
  return `P${index + 1}`;
}

export function renderEdgeBatch(pairs: readonly CandidatePair[]): string {
  const fields = usedFields(pairs);
  const tools = [...fields.values()].map(({ profile, inputs, outputs }) =>
    [
      `## ${profile.name}`,
      clip(profile.description, DESCRIPTION_CHARS) || '(no description)',
      ...(inputs.size > 0 ? ['inputs:', ...[...inputs.values()].map((f) => `  ${describeField(f)}`)] : []),
      ...(outputs.size > 0 ? ['outputs:', ...[...outputs.values()].map((f) => `  ${describeField(f)}`)] : []),
    ].join('\n'),
  );
  const lines = pairs.map((pair, i) => {
    const byInput = new Map<string, string[]>();
    for (const { input, output } of pair.candidates) byInput.set(input.path, [...(byInput.get(input.path) ?? []), output.path]);
    const options = [...byInput].map(([input, outputs]) => `    ${input} ← ${outputs.join(' | ')}`);
    return [`${pairId(i)}: ${pair.source.name} → ${pair.target.name}`, ...options].join('\n');
  });
  return ['# Tools (only the fields the candidates use)', ...tools, '', '# Candidate pairs (target input ← source output)', ...lines].join('\n');
}

interface ToolFields {
  profile: ToolProfile;
  inputs: Map<string, FieldDescriptor>;
  outputs: Map<string, FieldDescriptor>;
}

function usedFields(pairs: readonly CandidatePair[]): Map<string, ToolFields> {
  const tools = new Map<string, ToolFields>();
  const of = (profile: ToolProfile): ToolFields => {
    const known = tools.get(profile.name) ?? { profile, inputs: new Map(), outputs: new Map() };
    tools.set(profile.name, known);
    return known;
  };
  for (const pair of pairs) {
    for (const { input, output } of pair.candidates) {
      of(pair.target).inputs.set(input.path, input);
      of(pair.source).outputs.set(output.path, output);
    }
  }
  return tools;
}

function describeField(field: FieldDescriptor): string {
  const traits = [field.type, ...(field.required ? ['required'] : []), ...(field.enum ? [`one of ${JSON.stringify(field.enum)}`] : [])];
  const description = field.description ? `: ${clip(field.description, DESCRIPTION_CHARS)}` : '';
  const example = field.example === undefined ? '' : ` (e.g. ${clip(JSON.stringify(field.example), EXAMPLE_CHARS)})`;
  return `${field.path} (${traits.join(', ')})${description}${example}`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
