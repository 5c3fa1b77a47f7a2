/**
 * Checks a request before it is sent. Each problem here would come back as a 400 after a round
 * trip (and some only after the model had been billed); found locally, it names the field instead.
 */
import { TOOL_NAME_PATTERN } from '../export/tool-names.js';
import type { Endpoint } from './endpoint.js';
import { LlmError } from './errors.js';
import type { LlmRequest } from './types.js';

export function validateRequest(request: LlmRequest, endpoint: Endpoint): void {
  const refuse = (field: string, message: string): never => {
    throw new LlmError(`${field}: ${message}`, { kind: 'bad-request', retryable: false, provider: endpoint.provider, field });
  };
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) {
    refuse('maxTokens', `must be a positive integer, got ${String(request.maxTokens)}.`);
  }
  if (request.messages.length === 0) refuse('messages', 'must hold at least one message: start with the user turn.');

  const names = new Set<string>();
  (request.tools ?? []).forEach((tool, i) => {
    if (!TOOL_NAME_PATTERN.test(tool.name)) {
      refuse(
        `tools[${i}].name`,
        `'${tool.name}' is not a name providers accept (letters, digits, _ and -, at most 64): ` +
          'offer the tool under a sanitised name (src/export/tool-names.ts) and map calls back.',
      );
    }
    if (names.has(tool.name)) refuse(`tools[${i}].name`, `'${tool.name}' is offered twice: give each tool one entry.`);
    names.add(tool.name);
    const type = tool.inputSchema.type;
    if (type !== undefined && type !== 'object') {
      refuse(`tools[${i}].inputSchema.type`, `is ${JSON.stringify(type)}, but tool input must be an object schema: wrap the parameters in {"type":"object","properties":…}.`);
    }
  });

  const choice = request.toolChoice;
  if (choice !== undefined && names.size === 0) refuse('toolChoice', 'is set but no tools are offered: offer tools or drop toolChoice.');
  if (typeof choice === 'object' && !names.has(choice.name)) {
    refuse('toolChoice.name', `'${choice.name}' is not among the offered tools: name one of ${[...names].join(', ')}.`);
  }

  // A tool result must answer a call of the assistant turn right before it; providers refuse anything else.
  request.messages.forEach((message, i) => {
    if (message.role !== 'tool') return;
    const previous = request.messages[i - 1];
    const calls = new Set(previous?.role === 'assistant' ? (previous.toolCalls ?? []).map((call) => call.id) : []);
    message.results.forEach((result, j) => {
      if (!calls.has(result.toolCallId)) {
        refuse(
          `messages[${i}].results[${j}].toolCallId`,
          `'${result.toolCallId}' answers no tool call of the assistant message before it: send results right after the turn that made the calls.`,
        );
      }
    });
  });
}
