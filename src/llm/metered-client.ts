/**
 * A client that reports every response's tokens, malformed ones included (their tokens were paid
 * for too). The report goes to the store, so a run's spend survives worker restarts and counts
 * every retry: the ledger says what the provider billed, not what the dataset kept.
 */
import type { LlmStage } from './stages.js';
import { MalformedOutputError } from './errors.js';
import type { LlmClient, LlmUsage } from './types.js';

export type UsageSink = (stage: LlmStage, model: string, usage: LlmUsage) => Promise<void>;

export function meteredClient(client: LlmClient, stage: LlmStage, sink: UsageSink): LlmClient {
  return {
    provider: client.provider,
    model: client.model,
    async complete(request, options) {
      try {
        const response = await client.complete(request, options);
        await sink(stage, response.model, response.usage);
        return response;
      } catch (error) {
        if (error instanceof MalformedOutputError) await sink(stage, error.model, error.usage);
        throw error;
      }
    },
  };
}
