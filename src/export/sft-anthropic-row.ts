import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';

/**
 * A row of sft.anthropic.jsonl (Anthropic Messages). `input` stays an object; the results of an
 * assistant turn's calls come back in ONE user message that starts with the tool_result blocks.
 * Reference trajectories are sequential, so each turn holds one call; the grouping below is what
 * keeps a turn with N parallel calls valid should trajectories ever carry them.
 */
export function sftAnthropicRow(prepared: PreparedTask): JsonObject {
  const messages: JsonObject[] = [{ role: 'user', content: [{ type: 'text', text: prepared.user }] }];
  for (const step of prepared.steps) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: step.callId, name: step.tool.name, input: step.recorded.arguments }],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: step.callId, content: step.resultText, is_error: step.recorded.isError }],
    });
  }
  messages.push({ role: 'assistant', content: [{ type: 'text', text: prepared.finalAnswer }] });
  return {
    system: prepared.system,
    tools: prepared.offered.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters as JsonObject })),
    messages,
  };
}
