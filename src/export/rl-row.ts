import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';

/** How rl.jsonl's reward compares an answer with the ground truth; the card explains it in words. */
export const REWARD_SPEC = { type: 'exact-fields', normalisation: 'numbers, case, whitespace, order-insensitive lists' } as const;

/** verl's agent loop for multi-turn tool calling, named per row as verl's `agent_name` column. */
export const VERL_AGENT = 'tool_agent';

/**
 * A row of rl.jsonl (and rl/*.parquet) in verl's shape: the prompt only (the policy writes the rest,
 * against the simulator), the answer as a JSON *string* in reward_model.ground_truth (verl hands it
 * to compute_score as is), and the tools the policy may call in extra_info, each tool's parameters
 * and the answer schema as JSON strings too: every row of every server then has one schema, so
 * per-server parquet files concatenate.
 */
export function rlRow(prepared: PreparedTask): JsonObject {
  return {
    data_source: `firefly/${prepared.servers.join('+')}`,
    agent_name: VERL_AGENT,
    prompt: [
      { role: 'system', content: prepared.system },
      { role: 'user', content: prepared.user },
    ],
    ability: 'tool-use',
    reward_model: { style: 'rule', ground_truth: JSON.stringify(prepared.answer) },
    extra_info: {
      task_id: prepared.task.id,
      split: prepared.split,
      index: prepared.index,
      servers: prepared.servers,
      answer_schema: JSON.stringify(prepared.task.answerSchema),
      tools: prepared.offered.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: JSON.stringify(t.parameters) } })),
      reward: { ...REWARD_SPEC },
    },
  };
}
