/**
 * Token usage and cost per stage and per model, added up across calls. Its snapshot is small
 * (one entry per stage and model actually used) and deterministic (sorted, costs rounded to a
 * millionth of a dollar), so it can sit in a Temporal query result or memo and be merged back.
 */
import { costOf, priceOf } from './cost.js';
import { DEFAULT_PRICES, type PriceTable } from './prices.js';
import { LLM_STAGES, type LlmStage } from './stages.js';
import type { LlmUsage } from './types.js';

export interface UsageTotals extends LlmUsage {
  calls: number;
  costUsd: number;
}

/** Every token of a usage, whatever it was billed as. */
export function totalTokens(usage: LlmUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** Tokens and cost per item (a verified task, say), cost rounded to a millionth of a dollar; null for no items. */
export function perItem(total: UsageTotals, items: number): { tokens: number; costUsd: number } | null {
  if (items === 0) return null;
  return { tokens: Math.round(totalTokens(total) / items), costUsd: Math.round((total.costUsd / items) * 1_000_000) / 1_000_000 };
}

export interface LedgerEntry extends UsageTotals {
  stage: LlmStage;
  model: string;
}

export interface LedgerSnapshot {
  entries: LedgerEntry[];
  total: UsageTotals;
  /** Models used with no price in the table: their cost counts as 0, and the report says so. */
  unpricedModels: string[];
}

interface Cell extends LlmUsage {
  stage: LlmStage;
  model: string;
  calls: number;
}

export class UsageLedger {
  private readonly cells = new Map<string, Cell>();

  constructor(private readonly prices: PriceTable = DEFAULT_PRICES) {}

  /** A ledger holding a snapshot's counts; costs are recomputed from `prices`. */
  static fromSnapshot(snapshot: LedgerSnapshot, prices: PriceTable = DEFAULT_PRICES): UsageLedger {
    const ledger = new UsageLedger(prices);
    ledger.addSnapshot(snapshot);
    return ledger;
  }

  /** One call (or `calls` calls) of `model` in `stage`. Use the model the response names. */
  add(stage: LlmStage, model: string, usage: LlmUsage, calls = 1): void {
    const key = `${stage}\u0000${model}`;
    const cell = this.cells.get(key) ?? { stage, model, calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    cell.calls += calls;
    cell.inputTokens += usage.inputTokens;
    cell.outputTokens += usage.outputTokens;
    cell.cacheReadTokens += usage.cacheReadTokens;
    cell.cacheWriteTokens += usage.cacheWriteTokens;
    this.cells.set(key, cell);
  }

  /** Adds another ledger's snapshot, e.g. what one activity or child workflow reported. */
  addSnapshot(snapshot: LedgerSnapshot): void {
    for (const entry of snapshot.entries) this.add(entry.stage, entry.model, entry, entry.calls);
  }

  byStage(): Partial<Record<LlmStage, UsageTotals>> {
    return this.groupBy((cell) => cell.stage);
  }

  byModel(): Record<string, UsageTotals> {
    return this.groupBy((cell) => cell.model);
  }

  total(): UsageTotals {
    return this.totalOf([...this.cells.values()]);
  }

  unpricedModels(): string[] {
    const models = new Set([...this.cells.values()].map((cell) => cell.model));
    return [...models].filter((model) => priceOf(model, this.prices) === undefined).sort();
  }

  snapshot(): LedgerSnapshot {
    const stageOrder = (stage: LlmStage) => LLM_STAGES.indexOf(stage);
    const entries = [...this.cells.values()]
      .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
      .map((cell) => ({ stage: cell.stage, model: cell.model, ...this.totalOf([cell]) }));
    return { entries, total: this.total(), unpricedModels: this.unpricedModels() };
  }

  private groupBy<K extends string>(keyOf: (cell: Cell) => K): Record<K, UsageTotals> {
    const groups = new Map<K, Cell[]>();
    for (const cell of this.cells.values()) groups.set(keyOf(cell), [...(groups.get(keyOf(cell)) ?? []), cell]);
    const result = {} as Record<K, UsageTotals>;
    for (const [key, cells] of groups) result[key] = this.totalOf(cells);
    return result;
  }

  /** Costs come from token sums per model, so many small calls add up without rounding drift. */
  private totalOf(cells: Cell[]): UsageTotals {
    const totals: UsageTotals = { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
    for (const cell of cells) {
      totals.calls += cell.calls;
      totals.inputTokens += cell.inputTokens;
      totals.outputTokens += cell.outputTokens;
      totals.cacheReadTokens += cell.cacheReadTokens;
      totals.cacheWriteTokens += cell.cacheWriteTokens;
      totals.costUsd += costOf(cell.model, cell, this.prices);
    }
    totals.costUsd = Math.round(totals.costUsd * 1_000_000) / 1_000_000;
    return totals;
  }
}
