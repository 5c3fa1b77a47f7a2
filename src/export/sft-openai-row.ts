import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';
import type { OfferedTool } from './tool-catalog.js';

/** The `tools` of an OpenAI request; also what rl.jsonl offers the policy. */
export function openAiTools(offered: OfferedTool[]): JsonObject[] {
  return offered.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters as JsonObject },
  }));
}

/**
 * A row of sft.openai.jsonl (OpenAI chat fine-tuning). Arguments are a JSON *string* (the format's
 * rule; parsing it gives the recorded object back), each result a `tool` message answering its
 * call's id. `weight` appears on assistant messages only: it is the one place the fine-tuning API
 * accepts it, and the other roles are never trained on.
 */
export function sftOpenAiRow(prepared: PreparedTask): JsonObject {
  const messages: JsonObject[] = [
    { role: 'system', content: prepared.system },
    { role: 'user', content: prepared.user },
  ];
  for (const step of prepared.steps) {
    messages.push({
      role: 'assistant',
      tool_calls: [
        { id: step.callId, type: 'function', function: { name: step.tool.name, arguments: JSON.stringify(step.recorded.arguments) } },
      ],
      weight: 1,
    });
    messages.push({ role: 'tool', tool_call_id: step.callId, content: step.resultText });
  }
  messages.push({ role: 'assistant', content: prepared.finalAnswer, weight: 1 });
  return { messages, tools: openAiTools(prepared.offered) };
}
