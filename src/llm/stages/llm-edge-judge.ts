/**
 * The tool graph's LLM judge. It only sees what the offline pre-filter (`candidatePairs`) kept, and
 * judges many pairs per request: a batch goes out as one message, the answer comes back as one
 * forced tool call, and each judgement is checked against the pairs and candidates of that batch
 * (edge-verdicts.ts). Batches run one after another: the run's rate and concurrency caps belong to
 * the activity layer, and a sequential judge keeps the request order (and the fakes' scripts) fixed.
 */
import type { JsonValue, ToolEdge } from '../../domain.js';
import type { CandidatePair, EdgeJudge } from '../../graph/edge-judge.js';
import type { LlmClient } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';
import { EDGE_JUDGE_SYSTEM, EDGE_TOOL, EDGE_TOOL_NAME, renderEdgeBatch } from './edge-judge-prompt.js';
import { edgesFromJudgements, parseJudgements, type EdgeRejection } from './edge-verdicts.js';
import { forcedToolCall } from './forced-call.js';

export type { EdgeRejection } from './edge-verdicts.js';

export interface LlmEdgeJudgeOptions {
  client: LlmClient;
  /** Every request's tokens are added here under stage `judge`, malformed answers included. */
  ledger: UsageLedger;
  /** Pairs per request (default 25). */
  batchSize?: number;
  /** Output budget per request (default 4096: ~25 judgements with short reasons, plus margin). */
  maxTokens?: number;
  /**
   * Keeps each batch's parsed judgements by the batch's text, so that a retried graph stage pays
   * only for the batches an earlier attempt did not get answered.
   */
  memo?: {
    get(batchText: string): Promise<JsonValue[] | undefined>;
    put(batchText: string, judgements: JsonValue[]): Promise<void>;
  };
  /** Told of each rejection as it happens (they are also kept in `rejections`). */
  onRejection?: (rejection: EdgeRejection) => void;
  signal?: AbortSignal;
}

export const EDGE_JUDGE_DEFAULTS = { batchSize: 25, maxTokens: 4096 } as const;

export class LlmEdgeJudge implements EdgeJudge {
  readonly name: string;
  /** Every judgement not turned into an edge, across all `judge` calls, with its reason. */
  readonly rejections: EdgeRejection[] = [];
  private readonly batchSize: number;
  private readonly maxTokens: number;

  constructor(private readonly options: LlmEdgeJudgeOptions) {
    this.name = options.client.model;
    this.batchSize = options.batchSize ?? EDGE_JUDGE_DEFAULTS.batchSize;
    this.maxTokens = options.maxTokens ?? EDGE_JUDGE_DEFAULTS.maxTokens;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
  }

  async judge(pairs: CandidatePair[]): Promise<ToolEdge[]> {
    const edges: ToolEdge[] = [];
    for (let start = 0, batch = 0; start < pairs.length; start += this.batchSize, batch++) {
      edges.push(...(await this.judgeBatch(pairs.slice(start, start + this.batchSize), batch)));
    }
    return edges;
  }

  private async judgeBatch(pairs: CandidatePair[], batch: number): Promise<ToolEdge[]> {
    const memo = this.options.memo;
    const text = renderEdgeBatch(pairs);
    const kept = await memo?.get(text);
    const result = kept ? ({ ok: true, value: kept } as const) : await this.ask(text);
    if (!result.ok) {
      this.record({ batch, kind: 'batch-failed', reason: `${pairs.length} pairs unjudged after ${result.attempts} attempts: ${result.reason}`, raw: result.raw });
      return [];
    }
    if (!kept) await memo?.put(text, result.value);
    // Edges carry the judge's name (the configured model), as EdgeJudge promises; the ledger keeps the answering model.
    const outcome = edgesFromJudgements(result.value, pairs, batch, this.name);
    outcome.rejections.forEach((rejection) => this.record(rejection));
    return outcome.edges;
  }

  private ask(text: string) {
    const { client, ledger, signal } = this.options;
    return forcedToolCall(
      client,
      {
        system: EDGE_JUDGE_SYSTEM,
        messages: [{ role: 'user', text }],
        tools: [EDGE_TOOL],
        toolChoice: { name: EDGE_TOOL_NAME },
        maxTokens: this.maxTokens,
        temperature: 0,
        cacheStablePrefix: true,
      },
      { ledger, stage: 'judge', parse: parseJudgements, ...(signal === undefined ? {} : { signal }) },
    );
  }

  private record(rejection: EdgeRejection): void {
    this.rejections.push(rejection);
    this.options.onRejection?.(rejection);
  }
}
