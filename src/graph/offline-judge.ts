import type { Confidence, ParameterMapping, ToolEdge } from '../domain.js';
import type { CandidatePair, EdgeJudge } from './edge-judge.js';
import { scoreMapping } from './mapping-score.js';

/** Score floors of each confidence; below `low` a pair is no edge at all. */
export const CONFIDENCE_FLOORS: Readonly<Record<Confidence, number>> = { high: 0.8, medium: 0.6, low: 0.4 };

/** Feeding only optional parameters is a weaker link than feeding one the target cannot run without. */
const OPTIONAL_ONLY_PENALTY = 0.15;

/**
 * A deterministic judge that needs no LLM: it scores each candidate mapping from names,
 * descriptions and observed examples (see mapping-score.ts), keeps the best output per parameter,
 * and grades the pair by its best mapping. It is the judge of offline runs and tests, and the
 * baseline an LLM judge is compared with.
 */
export class OfflineEdgeJudge implements EdgeJudge {
  readonly name = 'offline';

  async judge(pairs: CandidatePair[]): Promise<ToolEdge[]> {
    return pairs.flatMap((pair) => {
      const edge = this.judgePair(pair);
      return edge ? [edge] : [];
    });
  }

  private judgePair({ source, target, candidates }: CandidatePair): ToolEdge | undefined {
    const best = new Map<string, ParameterMapping & { why: string; required: boolean }>();
    for (const { input, output } of candidates) {
      const { score, why } = scoreMapping(input, output, source, target);
      const known = best.get(input.path);
      if (score >= CONFIDENCE_FLOORS.low && (!known || score > known.score)) {
        best.set(input.path, { input: input.path, output: output.path, score: round(score), why, required: input.required === true });
      }
    }
    const kept = [...best.values()].sort((a, b) => b.score - a.score);
    const top = kept[0];
    if (!top) return undefined;

    const needsSome = target.inputs.some((input) => input.required === true);
    const optionalOnly = needsSome && !kept.some((m) => m.required);
    const score = top.score - (optionalOnly ? OPTIONAL_ONLY_PENALTY : 0);
    const confidence = grade(round(score));
    if (!confidence) return undefined;

    const others = kept.slice(1, 4).map((m) => `${m.input} ← ${m.output}`);
    const reason = [
      `${top.input} ← ${top.output}: ${top.why}`,
      ...(optionalOnly ? ['only optional parameters are fed'] : []),
      ...(others.length > 0 ? [`also ${others.join(', ')}${kept.length > 4 ? ', …' : ''}`] : []),
    ].join('; ');
    return {
      from: source.name,
      to: target.name,
      confidence,
      mappings: kept.map(({ input, output, score: s }) => ({ input, output, score: s })),
      judge: this.name,
      reason,
    };
  }
}

function grade(score: number): Confidence | undefined {
  if (score >= CONFIDENCE_FLOORS.high) return 'high';
  if (score >= CONFIDENCE_FLOORS.medium) return 'medium';
  if (score >= CONFIDENCE_FLOORS.low) return 'low';
  return undefined;
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}
