import type { JsonObject } from '../domain.js';
import type { PreparedTask } from './prepared-task.js';
import type { OfferedTool } from './tool-catalog.js';
import { openAiTools } from './sft-openai-row.js';

/** How rl.jsonl's reward compares an answer with the ground truth; the card explains it in words. */
export const REWARD_SPEC = { type: 'exact-fields', normalisation: 'numbers, case, whitespace, order-insensitive lists' } as const;

/**
 * A row of rl.jsonl in verl's shape: the prompt only (the policy writes the rest, against the
 * simulator), the answer as a JSON *string* in reward_model.ground_truth (verl hands it to
 * compute_score as is), and the tools the policy may call in extra_info.
 */
export function rlRow(prepared: PreparedTask, offered: OfferedTool[]): JsonObject {
  return {
    data_source: `firefly/${prepared.task.server}`,
    prompt: [
      { role: 'system', content: prepared.system },
      { role: 'user', content: prepared.user },
    ],
    ability: 'tool-use',
    reward_model: { style: 'rule', ground_truth: JSON.stringify(prepared.answer) },
    extra_info: {
      task_id: prepared.task.id,
      answer_schema: prepared.task.answerSchema as JsonObject,
      tools: openAiTools(offered),
      reward: { ...REWARD_SPEC },
      index: prepared.index,
    },
  };
}
