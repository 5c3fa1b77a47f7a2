import type { RunCost } from './api.js';
import { totalTokens } from './llm/usage-ledger.js';

/** The lines a run's end prints about its models: which, how many tokens, what per verified task. */
export function runCostLines(cost: RunCost): string[] {
  if (cost.models.provider === 'offline') {
    return ['models: none (offline): arguments and tasks come from the deterministic offline planner and synthesizer; 0 tokens, $0'];
  }
  const { total } = cost.usage;
  const tokens = totalTokens(total);
  const stages = Object.entries(cost.models.models).map(([stage, model]) => `${stage}=${model}`).join(' ');
  const lines = [
    `models (${cost.models.provider}): ${stages}`,
    `  ${total.calls} requests, ${tokens} tokens (${total.inputTokens} input, ${total.outputTokens} output, ` +
      `${total.cacheReadTokens} cache read, ${total.cacheWriteTokens} cache write), $${total.costUsd.toFixed(4)}`,
    cost.perVerifiedTask
      ? `  per verified task: ${cost.perVerifiedTask.tokens} tokens, $${cost.perVerifiedTask.costUsd.toFixed(4)}`
      : '  per verified task: no task was verified',
  ];
  if (cost.usage.unpricedModels.length > 0) {
    lines.push(`  no price known for ${cost.usage.unpricedModels.join(', ')}: counted as $0 (set llm.prices to price them)`);
  }
  return lines;
}
