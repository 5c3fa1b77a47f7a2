/** Anything with a case-insensitive `get`, like the fetch API's `Headers`. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

const SECONDS = /^\s*\d+(\.\d+)?\s*$/;

/**
 * How long the provider asked us to wait, in milliseconds: `retry-after-ms` (OpenAI and Anthropic
 * send it for precision) wins over `retry-after`, which is either seconds or an HTTP date.
 * Undefined when neither header is present or readable, so the retry policy's backoff applies.
 */
export function retryAfterMs(headers: HeaderLookup | undefined, nowMs: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const precise = headers.get('retry-after-ms');
  if (precise && SECONDS.test(precise)) return Math.ceil(Number(precise));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (SECONDS.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date names its month and zone in letters; Date.parse alone would also take "-3" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
