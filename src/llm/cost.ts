import { DEFAULT_PRICES, type ModelPrice, type PriceTable } from './prices.js';
import type { LlmUsage } from './types.js';

/** The price of the longest prefix of `model` in the table; undefined for a model with no price. */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(prices)) {
    if (model.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : prices[best];
}

/** USD for one call's (or a sum of calls') usage; 0 for a model with no price (see UsageLedger.unpricedModels). */
export function costOf(model: string, usage: LlmUsage, prices: PriceTable = DEFAULT_PRICES): number {
  const price = priceOf(model, prices);
  if (price === undefined) return 0;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000
  );
}
