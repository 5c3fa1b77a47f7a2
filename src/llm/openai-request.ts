/**
 * LlmRequest → an OpenAI chat-completions body, the dialect vLLM, Ollama and llama.cpp's server
 * accept. Pure, so the wire shape is tested without a server.
 */
import type { JsonObject, JsonValue } from '../domain.js';
import type { LlmMessage, LlmRequest, LlmToolChoice } from './types.js';

export function toChatCompletionsBody(request: LlmRequest, model: string): JsonObject {
  const tools = (request.tools ?? []).map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: { ...(tool.inputSchema as JsonObject), type: 'object' },
    },
  }));
  // Prompt caching needs nothing on the wire here: these servers reuse a cached prefix by themselves
  // (vLLM's prefix caching, llama.cpp's prompt cache), so `cacheStablePrefix` only keeps the prefix stable.
  return {
    model,
    messages: [...(request.system === '' ? [] : [{ role: 'system', content: request.system }]), ...request.messages.flatMap(toChatMessages)],
    // `max_tokens`, not OpenAI's newer `max_completion_tokens`: every compatible server reads this one.
    max_tokens: request.maxTokens,
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.toolChoice === undefined ? {} : { tool_choice: toChatToolChoice(request.toolChoice) }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

function toChatToolChoice(choice: LlmToolChoice): JsonValue {
  if (choice === 'auto') return 'auto';
  if (choice === 'any') return 'required';
  return { type: 'function', function: { name: choice.name } };
}

export function toChatMessages(message: LlmMessage): JsonObject[] {
  switch (message.role) {
    case 'user':
      return [{ role: 'user', content: message.text }];
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      return [
        {
          role: 'assistant',
          // null, not "", when the turn only calls tools: some servers' chat templates render "" as a turn.
          content: message.text === '' && calls.length > 0 ? null : message.text,
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                })),
              }),
        },
      ];
    }
    case 'tool':
      // One `tool` message per result. The format has no error flag, so a failed call says so in its text.
      return message.results.map((result) => ({
        role: 'tool',
        tool_call_id: result.toolCallId,
        content: result.isError && !/^\s*error/i.test(result.content) ? `Error: ${result.content}` : result.content,
      }));
  }
}
