/**
 * LlmRequest → Messages API parameters. Pure, so the wire shape is tested without a server.
 */
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type { LlmMessage, LlmRequest, LlmTool, LlmToolChoice } from './types.js';

const EPHEMERAL = { type: 'ephemeral' } as const;

export function toAnthropicParams(request: LlmRequest, model: string): MessageCreateParamsNonStreaming {
  const cache = request.cacheStablePrefix === true;
  const tools = (request.tools ?? []).map((tool, i, all) => toAnthropicTool(tool, cache && i === all.length - 1));
  return {
    model,
    max_tokens: request.maxTokens,
    messages: toAnthropicMessages(request.messages),
    ...systemParam(request.system, cache),
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.toolChoice === undefined ? {} : { tool_choice: toAnthropicToolChoice(request.toolChoice) }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/**
 * The API caches everything up to a `cache_control` breakpoint, in the order tools → system →
 * messages. Marking the system block caches tools and instructions together; marking the last
 * tool as well keeps the tools cached when a stage varies its instructions.
 */
function systemParam(system: string, cache: boolean): { system?: string | TextBlockParam[] } {
  // An empty text block is refused by the API, and there is nothing to cache in it.
  if (system === '') return {};
  return { system: cache ? [{ type: 'text', text: system, cache_control: EPHEMERAL }] : system };
}

/** MCP tools declare JSON Schema objects; some omit `type`, which the API requires. */
export function toAnthropicTool(tool: LlmTool, cacheBreakpoint: boolean): Tool {
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: { ...tool.inputSchema, type: 'object' },
    ...(cacheBreakpoint ? { cache_control: EPHEMERAL } : {}),
  };
}

function toAnthropicToolChoice(choice: LlmToolChoice): ToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'any') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/**
 * Tool results travel as `tool_result` blocks in a user turn. Consecutive messages of one role
 * (results followed by a user's note) become one turn, since roles must alternate.
 */
export function toAnthropicMessages(messages: LlmMessage[]): MessageParam[] {
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(message);
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}

function toBlocks(message: LlmMessage): ContentBlockParam[] {
  switch (message.role) {
    case 'user':
      return [{ type: 'text', text: message.text }];
    case 'assistant':
      return [
        // The API refuses empty text blocks; an assistant turn that only calls tools has none.
        ...(message.text === '' ? [] : [{ type: 'text' as const, text: message.text }]),
        ...(message.toolCalls ?? []).map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.arguments })),
      ];
    case 'tool':
      return message.results.map((result) => ({
        type: 'tool_result' as const,
        tool_use_id: result.toolCallId,
        content: result.content,
        ...(result.isError ? { is_error: true } : {}),
      }));
  }
}
