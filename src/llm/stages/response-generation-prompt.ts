/**
 * What the simulator's response generator sends: fixed instructions and one fixed tool (the
 * cacheable prefix), then the tool being called, its nearest recorded calls with their real
 * results, and the call to answer. Results are shown as the raw JSON the server sent, since the
 * answer must copy their format, cut to a budget so that one large recording cannot fill the context.
 */
import type { JsonValue } from '../../domain.js';
import type { GenerationRequest } from '../../simulator/generation.js';
import type { LlmTool } from '../types.js';
import { truncate } from './tool-result-text.js';

export const RESULT_TOOL_NAME = 'return_tool_result';
/** Content block types an MCP CallToolResult may hold. */
export const CONTENT_TYPES = ['text', 'image', 'audio', 'resource', 'resource_link'] as const;

export const RESPONSE_GENERATION_SYSTEM = [
  'You stand in for a real MCP server whose tool calls were recorded. A call came in that no recording matches closely;',
  'answer it as the real server would have. You get the tool (name, description, input schema, output schema if any),',
  'the nearest recorded calls of the same tool with the results the server really returned, and the call to answer.',
  '- Keep the examples\' format exactly: the same content block types, the same layout of the text (the same JSON shape,',
  '  field names, indentation and wording of messages), the same structuredContent fields.',
  '- Derive values from the call\'s arguments and from what the examples show of the server\'s data. Invent nothing the',
  '  examples do not make plausible: where the server would find nothing, answer empty or not-found in its own style.',
  '- Answer with an error (isError true), in the examples\' error style, where the server would fail: arguments its input',
  '  schema rejects, or a reference to something the examples show does not exist.',
  '- Paths written ${sandbox} stand for the server\'s working directory: keep writing them so.',
  '- When the tool declares an output schema and the answer is not an error, give structuredContent that fits it.',
  `Answer with a single call of ${RESULT_TOOL_NAME}.`,
].join('\n');

export const RESULT_TOOL: LlmTool = {
  name: RESULT_TOOL_NAME,
  description: 'Return the MCP CallToolResult the server would have sent for this call.',
  inputSchema: {
    type: 'object',
    properties: {
      content: {
        type: 'array',
        description: 'Content blocks, as in the examples: usually [{"type": "text", "text": "..."}].',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: [...CONTENT_TYPES] },
            text: { type: 'string' },
          },
          required: ['type'],
        },
      },
      isError: { type: 'boolean', description: 'true when the server would report the call as failed.' },
      structuredContent: { type: 'object', description: 'The structured result, when the tool declares an output schema.' },
    },
    required: ['content', 'isError'],
  },
};

export const DEFAULT_EXAMPLE_CHARS = 4000;

/** The tool, its examples (nearest first) and the call, as the model reads them. */
export function renderGenerationRequest(request: GenerationRequest, maxExampleChars = DEFAULT_EXAMPLE_CHARS): string {
  const { tool } = request;
  return [
    '# Tool',
    `name: ${tool.name}`,
    `description: ${tool.description || '(none)'}`,
    `input schema: ${JSON.stringify(tool.inputSchema)}`,
    ...(tool.outputSchema ? [`output schema: ${JSON.stringify(tool.outputSchema)}`] : []),
    '',
    `# Recorded calls of ${tool.name}, nearest first`,
    ...request.examples.flatMap((example, i) => [
      `## Example ${i + 1} (argument similarity ${example.source.similarity.toFixed(2)}; recorded ${example.sameState ? 'after the same earlier writes as this call' : 'after other earlier writes'}${example.isError ? '; the call failed' : ''})`,
      `arguments: ${JSON.stringify(example.arguments)}`,
      `result: ${truncate(JSON.stringify(example.result as JsonValue) ?? 'null', maxExampleChars)}`,
      '',
    ]),
    '# The call to answer',
    `arguments: ${JSON.stringify(request.arguments)}`,
  ].join('\n');
}
