/**
 * One structured answer from a model: a request that forces a single named tool call, whose
 * arguments a stage parses into its own shape. Both judges need the same three things around that
 * call, so they live here once: every attempt's tokens go into the ledger (a malformed answer was
 * billed too), a malformed answer is asked for again once, and a second failure comes back as a
 * reason to record rather than an exception, so one bad batch does not sink a whole stage.
 *
 * Provider failures (LlmError: 429, 5xx, auth…) are NOT caught: the Temporal activity running the
 * stage retries or fails on them, with the delay the provider asked for.
 */
import type { JsonObject } from '../../domain.js';
import { MalformedOutputError } from '../errors.js';
import type { LlmStage } from '../stages.js';
import type { LlmCallOptions, LlmClient, LlmRequest } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';

/** What a stage's parser says of the arguments: a value, or why the whole answer is unusable. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export type ForcedCallResult<T> =
  | { ok: true; value: T; model: string; attempts: number }
  | { ok: false; reason: string; raw: string; attempts: number };

export interface ForcedCallOptions<T> extends LlmCallOptions {
  ledger: UsageLedger;
  stage: LlmStage;
  parse: (args: JsonObject) => Parsed<T>;
  /** Attempts in all; 2 = one retry. */
  attempts?: number;
}

export async function forcedToolCall<T>(client: LlmClient, request: LlmRequest, options: ForcedCallOptions<T>): Promise<ForcedCallResult<T>> {
  const choice = request.toolChoice;
  if (typeof choice !== 'object') throw new Error('forcedToolCall needs toolChoice { name }: the answer is read from that one call.');
  const attempts = options.attempts ?? 2;
  const callOptions: LlmCallOptions = options.signal === undefined ? {} : { signal: options.signal };
  let failure = { reason: 'no attempt was made', raw: '' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await client.complete(request, callOptions);
      options.ledger.add(options.stage, response.model, response.usage);
      const call = response.toolCalls.find((c) => c.name === choice.name);
      if (call === undefined) {
        failure = { reason: `the model answered without calling ${choice.name} (stop: ${response.stopReason})`, raw: response.text };
        continue;
      }
      const parsed = options.parse(call.arguments);
      if (parsed.ok) return { ok: true, value: parsed.value, model: response.model, attempts: attempt };
      failure = { reason: parsed.reason, raw: JSON.stringify(call.arguments) };
    } catch (error) {
      if (!(error instanceof MalformedOutputError)) throw error;
      options.ledger.add(options.stage, error.model, error.usage);
      failure = { reason: `malformed output (${error.reason}): ${error.message}`, raw: error.raw };
    }
  }
  return { ok: false, ...failure, attempts };
}
