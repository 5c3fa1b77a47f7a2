/**
 * Turns the model's judgements of one batch into edges, strictly. The model's word is only taken
 * where it refers to what it was shown: an unknown pair id, a pair answered twice, a mapping that
 * is not one of the pair's candidates, or a missing/mistyped field rejects that judgement with the
 * reason, and it never becomes an edge. A pair the model left out gets no edge either.
 */
import type { Confidence, JsonObject, JsonValue, ParameterMapping, ToolEdge } from '../../domain.js';
import type { CandidatePair } from '../../graph/edge-judge.js';
import { CONFIDENCE_FLOORS } from '../../graph/offline-judge.js';
import { isJsonObject } from '../../json.js';
import type { Parsed } from './forced-call.js';
import { pairId } from './edge-judge-prompt.js';

/** A judgement (or a whole batch) the judge did not turn into an edge, and why. */
export interface EdgeRejection {
  /** Index of the batch within one `judge` call. */
  batch: number;
  /** The pair id the model used (or should have used); absent when the whole batch failed. */
  pair?: string;
  from?: string;
  to?: string;
  kind: 'invalid' | 'omitted' | 'batch-failed';
  reason: string;
  /** The model's output for this judgement (or batch), for the record. */
  raw?: string;
}

export interface BatchOutcome {
  edges: ToolEdge[];
  rejections: EdgeRejection[];
}

const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

/** Batch-level shape only: per-judgement problems are rejections, not a reason to ask again. */
export function parseJudgements(args: JsonObject): Parsed<JsonValue[]> {
  const judgements = args.judgements;
  if (!Array.isArray(judgements)) return { ok: false, reason: `missing field: "judgements" must be an array, got ${JSON.stringify(judgements ?? null)}` };
  return { ok: true, value: judgements };
}

export function edgesFromJudgements(judgements: readonly JsonValue[], pairs: readonly CandidatePair[], batch: number, judge: string): BatchOutcome {
  const byId = new Map(pairs.map((pair, i) => [pairId(i), pair]));
  const entriesById = new Map<string, JsonObject[]>();
  const rejections: EdgeRejection[] = [];
  const reject = (pair: string | undefined, reason: string, raw: JsonValue, kind: EdgeRejection['kind'] = 'invalid') => {
    const known = pair === undefined ? undefined : byId.get(pair);
    rejections.push({ batch, ...(pair === undefined ? {} : { pair }), ...(known ? { from: known.source.name, to: known.target.name } : {}), kind, reason, raw: JSON.stringify(raw) });
  };

  for (const entry of judgements) {
    if (!isJsonObject(entry)) {
      reject(undefined, 'a judgement is not an object', entry);
      continue;
    }
    const id = entry.pair;
    if (typeof id !== 'string') reject(undefined, 'missing field: pair', entry);
    else if (!byId.has(id)) reject(id, `unknown pair id ${JSON.stringify(id)}: this request had ${pairId(0)}…${pairId(pairs.length - 1)}`, entry);
    else entriesById.set(id, [...(entriesById.get(id) ?? []), entry]);
  }

  const edges: ToolEdge[] = [];
  for (const [id, pair] of byId) {
    const entries = entriesById.get(id) ?? [];
    if (entries.length === 0) {
      reject(id, 'the model gave no judgement for this pair', null, 'omitted');
      continue;
    }
    if (entries.length > 1) {
      // Two answers for one pair cannot both be the model's judgement; taking either would be a guess.
      for (const entry of entries) reject(id, `pair judged ${entries.length} times in one answer`, entry);
      continue;
    }
    const entry = entries[0]!;
    const checked = checkEntry(entry, pair);
    if (typeof checked === 'string') reject(id, checked, entry);
    else if (checked) edges.push({ from: pair.source.name, to: pair.target.name, ...checked, judge });
  }
  return { edges, rejections };
}

/** The edge's own fields, undefined for "no edge", or why the judgement is unusable. */
function checkEntry(entry: JsonObject, pair: CandidatePair): Pick<ToolEdge, 'confidence' | 'mappings' | 'reason'> | undefined | string {
  const { edge, confidence, mappings, reason } = entry;
  if (typeof edge !== 'boolean') return 'missing field: edge must be true or false';
  if (typeof reason !== 'string' || reason.trim() === '') return 'missing field: reason';
  if (!edge) return undefined;
  if (typeof confidence !== 'string' || !CONFIDENCES.includes(confidence as Confidence)) {
    return `missing field: confidence must be one of ${CONFIDENCES.join(', ')}, got ${JSON.stringify(confidence ?? null)}`;
  }
  if (!Array.isArray(mappings) || mappings.length === 0) return 'an edge needs at least one mapping (input ← output)';

  const allowed = new Set(pair.candidates.map(({ input, output }) => key(input.path, output.path)));
  const kept = new Map<string, ParameterMapping>();
  // The LLM scores the pair, not each mapping: each mapping gets the floor of the pair's grade, so
  // code that sorts or thresholds mapping scores treats LLM and offline edges alike.
  const score = CONFIDENCE_FLOORS[confidence as Confidence];
  for (const mapping of mappings) {
    if (!isJsonObject(mapping) || typeof mapping.input !== 'string' || typeof mapping.output !== 'string') {
      return `a mapping is not {input, output} strings: ${JSON.stringify(mapping)}`;
    }
    if (!allowed.has(key(mapping.input, mapping.output))) {
      return `mapping ${mapping.input} ← ${mapping.output} is not among this pair's candidates`;
    }
    kept.set(key(mapping.input, mapping.output), { input: mapping.input, output: mapping.output, score });
  }
  return { confidence: confidence as Confidence, mappings: [...kept.values()], reason: reason.trim() };
}

function key(input: string, output: string): string {
  return `${input}\u0000${output}`;
}
