/**
 * Editable configuration: what each model costs, in USD per million tokens, matched by the longest
 * model-name prefix (so `claude-opus-4-5-20251101` uses `claude-opus-4-5`). A run can override or
 * add entries (`llm.prices`), e.g. for a new model or a hosted open model.
 *
 * Figures are Anthropic's list prices for the standard tier. Cache writes are the 5-minute TTL
 * (1.25 × input, the TTL `cache_control: ephemeral` gets), cache reads 0.1 × input. Not modelled:
 * the long-context premium above 200K input tokens, batch and priority tiers. Claude models not
 * listed here (newer than this table) cost 0 in reports and are listed as unpriced, never guessed.
 * Local OpenAI-compatible models are not listed: they cost 0 unless a run configures a price.
 */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Model-name prefix → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

function claude(input: number, output: number): ModelPrice {
  return { input, output, cacheRead: input * 0.1, cacheWrite: input * 1.25 };
}

const OPUS_4_5 = claude(5, 25);
const OPUS_4 = claude(15, 75);
const SONNET = claude(3, 15);

export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-6': OPUS_4_5,
  'claude-opus-4-5': OPUS_4_5,
  'claude-opus-4-1': OPUS_4,
  'claude-opus-4-0': OPUS_4,
  'claude-opus-4-2025': OPUS_4, // claude-opus-4-20250514
  'claude-3-opus': OPUS_4,
  'claude-sonnet-4-6': SONNET,
  'claude-sonnet-4-5': SONNET,
  'claude-sonnet-4-0': SONNET,
  'claude-sonnet-4-2025': SONNET, // claude-sonnet-4-20250514
  'claude-3-7-sonnet': SONNET,
  'claude-3-5-sonnet': SONNET,
  'claude-haiku-4-5': claude(1, 5),
  'claude-3-5-haiku': claude(0.8, 4),
  'claude-3-haiku': claude(0.25, 1.25),
};
