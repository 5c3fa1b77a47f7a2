import { Ajv } from 'ajv';

/**
 * JSON Schemas of each exported format as its own documentation publishes it, written here from
 * those documents (see /work/shared/EXPORT-FORMATS.md), not from the exporter's code.
 */
const toolName = { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' };
const callId = { type: 'string', pattern: '^[a-zA-Z0-9]{9}$' };
const objectSchema = {
  type: 'object',
  required: ['type', 'properties', 'required'],
  properties: {
    type: { const: 'object' },
    properties: { type: 'object' },
    required: { type: 'array', items: { type: 'string' } },
  },
};
const openAiTool = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'function'],
  properties: {
    type: { const: 'function' },
    function: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'description', 'parameters'],
      properties: { name: toolName, description: { type: 'string' }, parameters: objectSchema },
    },
  },
};
const weight = { enum: [0, 1] };
const answerSchema = { type: 'object', required: ['type', 'properties'], properties: { type: { const: 'object' }, properties: { type: 'object' } } };

const openAiRow = {
  type: 'object',
  additionalProperties: false,
  required: ['messages', 'tools'],
  properties: {
    tools: { type: 'array', minItems: 1, items: openAiTool },
    messages: {
      type: 'array',
      minItems: 3,
      items: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['role', 'content'], properties: { role: { const: 'system' }, content: { type: 'string', minLength: 1 }, weight: { const: 0 } } },
          { type: 'object', additionalProperties: false, required: ['role', 'content'], properties: { role: { const: 'user' }, content: { type: 'string', minLength: 1 }, weight: { const: 0 } } },
          {
            type: 'object',
            additionalProperties: false,
            required: ['role', 'tool_calls'],
            properties: {
              role: { const: 'assistant' },
              content: { type: ['string', 'null'] },
              weight,
              tool_calls: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['id', 'type', 'function'],
                  properties: {
                    id: callId,
                    type: { const: 'function' },
                    function: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['name', 'arguments'],
                      properties: { name: toolName, arguments: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
          { type: 'object', additionalProperties: false, required: ['role', 'content'], properties: { role: { const: 'assistant' }, content: { type: 'string', minLength: 1 }, weight } },
          { type: 'object', additionalProperties: false, required: ['role', 'tool_call_id', 'content'], properties: { role: { const: 'tool' }, tool_call_id: callId, content: { type: 'string' } } },
        ],
      },
    },
  },
};

const textBlock = { type: 'object', additionalProperties: false, required: ['type', 'text'], properties: { type: { const: 'text' }, text: { type: 'string', minLength: 1 } } };
const anthropicRow = {
  type: 'object',
  additionalProperties: false,
  required: ['system', 'tools', 'messages'],
  properties: {
    system: { type: 'string', minLength: 1 },
    tools: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'description', 'input_schema'],
        properties: { name: toolName, description: { type: 'string' }, input_schema: objectSchema },
      },
    },
    messages: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'content'],
        properties: {
          role: { enum: ['user', 'assistant'] },
          content: {
            oneOf: [
              { type: 'string', minLength: 1 },
              {
                type: 'array',
                minItems: 1,
                items: {
                  oneOf: [
                    textBlock,
                    { type: 'object', additionalProperties: false, required: ['type', 'id', 'name', 'input'], properties: { type: { const: 'tool_use' }, id: callId, name: toolName, input: { type: 'object' } } },
                    {
                      type: 'object',
                      additionalProperties: false,
                      required: ['type', 'tool_use_id', 'content'],
                      properties: {
                        type: { const: 'tool_result' },
                        tool_use_id: callId,
                        content: { oneOf: [{ type: 'string' }, { type: 'array', items: textBlock }] },
                        is_error: { type: 'boolean' },
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    },
  },
};

/** A value written as JSON text, so that its shape cannot vary between rows (checked parsed in format-checks.ts). */
const jsonText = { type: 'string', minLength: 1 };
/** An OpenAI tool whose parameters are JSON text: the RL rows' one-schema form. */
const rlTool = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'function'],
  properties: {
    type: { const: 'function' },
    function: { type: 'object', additionalProperties: false, required: ['name', 'description', 'parameters'], properties: { name: toolName, description: { type: 'string' }, parameters: jsonText } },
  },
};
const verlRow = {
  type: 'object',
  additionalProperties: false,
  required: ['data_source', 'agent_name', 'prompt', 'ability', 'reward_model', 'extra_info'],
  properties: {
    data_source: { type: 'string', pattern: '^firefly/.+' },
    agent_name: { const: 'tool_agent' },
    prompt: {
      type: 'array',
      minItems: 2,
      items: { type: 'object', additionalProperties: false, required: ['role', 'content'], properties: { role: { enum: ['system', 'user'] }, content: { type: 'string', minLength: 1 } } },
    },
    ability: { const: 'tool-use' },
    reward_model: { type: 'object', additionalProperties: false, required: ['style', 'ground_truth'], properties: { style: { const: 'rule' }, ground_truth: { type: 'string' } } },
    extra_info: {
      type: 'object',
      additionalProperties: false,
      required: ['task_id', 'split', 'index', 'servers', 'answer_schema', 'tools', 'reward'],
      properties: {
        task_id: { type: 'string' },
        split: { enum: ['train', 'test'] },
        servers: { type: 'array', minItems: 1, items: { type: 'string' } },
        answer_schema: jsonText,
        tools: { type: 'array', minItems: 1, items: rlTool },
        reward: { type: 'object', required: ['type', 'normalisation'], properties: { type: { const: 'exact-fields' }, normalisation: { type: 'string' } } },
        index: { type: 'integer', minimum: 0 },
      },
    },
  },
};

const tasksRow = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'split', 'instruction', 'tools', 'answer_schema', 'answer', 'ground_truth', 'answer_template', 'difficulty', 'trajectory', 'simulator', 'provenance'],
  properties: {
    id: { type: 'string', minLength: 1 },
    split: { enum: ['train', 'test'] },
    instruction: { type: 'string', minLength: 1 },
    tools: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['name', 'server', 'tool'], properties: { name: toolName, server: { type: 'string', minLength: 1 }, tool: { type: 'string', minLength: 1 } } },
    },
    answer_schema: jsonText,
    answer: jsonText,
    ground_truth: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'value', 'source'],
        properties: {
          field: { type: 'string' },
          value: jsonText,
          source: { type: 'object', additionalProperties: false, required: ['trajectory_step', 'path'], properties: { trajectory_step: { type: 'integer', minimum: 0 }, path: { type: 'string' } } },
        },
      },
    },
    answer_template: { type: 'string' },
    difficulty: { enum: ['easy', 'medium', 'hard'] },
    trajectory: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['call_id', 'tool', 'server', 'arguments', 'result', 'is_error', 'links', 'recorded'],
        properties: {
          call_id: callId,
          tool: toolName,
          server: { type: 'string', minLength: 1 },
          arguments: jsonText,
          result: jsonText,
          is_error: { type: 'boolean' },
          links: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['argument', 'from_trajectory_step', 'output_path'], properties: { argument: { type: 'string' }, from_trajectory_step: { type: 'integer' }, output_path: { type: 'string' } } },
          },
          recorded: { type: 'object', additionalProperties: false, required: ['sub_dag', 'step'], properties: { sub_dag: { type: 'integer' }, step: { type: 'integer' } } },
        },
      },
    },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['run_id', 'servers', 'cross_server', 'sub_dag', 'synthesizer', 'planner'],
      properties: {
        run_id: { type: 'string' },
        servers: { type: 'array', minItems: 1, items: { type: 'string' } },
        cross_server: { enum: ['linked', 'unlinked', null] },
        sub_dag: { type: 'integer' }, synthesizer: { type: 'string' }, planner: { type: 'string' },
      },
    },
    simulator: { type: 'object', additionalProperties: false, required: ['start_state'], properties: { start_state: { type: 'string' } } },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = {
  tasks: ajv.compile(tasksRow),
  openai: ajv.compile(openAiRow),
  anthropic: ajv.compile(anthropicRow),
  verl: ajv.compile(verlRow),
};

export type FormatName = keyof typeof validators;

/** The shape errors of one row against its format's schema; empty when it conforms. */
export function shapeErrors(format: FormatName, row: unknown): string[] {
  const validate = validators[format];
  return validate(row) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
