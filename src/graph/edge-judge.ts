import type { FieldDescriptor, FieldType, ToolEdge, ToolProfile } from '../domain.js';
import { enumAccepts } from './value-kinds.js';

/** One (parameter of the target, output field of the source) combination the pre-filter kept. */
export interface CandidateMapping {
  input: FieldDescriptor;
  output: FieldDescriptor;
}

/** An ordered pair of tools that might form an edge source → target, with the mappings that make it plausible. */
export interface CandidatePair {
  source: ToolProfile;
  target: ToolProfile;
  candidates: CandidateMapping[];
}

/**
 * Decides which candidate pairs are edges. Judges receive many pairs per call so that an LLM judge
 * can batch them into few requests; pairs they reject are simply absent from the result.
 */
export interface EdgeJudge {
  /** Recorded on every edge as `judge`, e.g. `offline` or a model name. */
  readonly name: string;
  judge(pairs: CandidatePair[]): Promise<ToolEdge[]>;
}

/** Types a value can pass between without conversion; booleans and containers never make an edge. */
function typeClass(type: FieldType): 'string' | 'number' | undefined {
  if (type === 'string') return 'string';
  if (type === 'number' || type === 'integer') return 'number';
  return undefined;
}

/**
 * The cheap deterministic pre-filter: every ordered pair of distinct tools whose target has a
 * parameter of the same type class as some output field of the source (array elements count as
 * their element type: `names[]` is a string). Enum parameters drop outputs whose known values
 * fall outside the enum. Pairs with no such combination cannot be edges and are left out.
 */
export function candidatePairs(profiles: readonly ToolProfile[]): CandidatePair[] {
  const outputsByClass = profiles.map((profile) => groupByClass(profile.outputs));
  const pairs: CandidatePair[] = [];
  profiles.forEach((source, s) => {
    const outputs = outputsByClass[s];
    if (!outputs) return;
    for (const target of profiles) {
      if (target.name === source.name) continue;
      const candidates: CandidateMapping[] = [];
      for (const input of target.inputs) {
        const cls = typeClass(input.type);
        for (const output of cls ? outputs[cls] : []) {
          if (enumAccepts(input, output) !== false) candidates.push({ input, output });
        }
      }
      if (candidates.length > 0) pairs.push({ source, target, candidates });
    }
  });
  return pairs;
}

function groupByClass(fields: readonly FieldDescriptor[]): Record<'string' | 'number', FieldDescriptor[]> {
  const groups: Record<'string' | 'number', FieldDescriptor[]> = { string: [], number: [] };
  for (const field of fields) {
    const cls = typeClass(field.type);
    if (cls) groups[cls].push(field);
  }
  return groups;
}
