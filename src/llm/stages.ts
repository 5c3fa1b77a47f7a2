/**
 * The stages that may call a model, named once. `judge` scores tool-graph edges and tasks; `verify`
 * filters; `explore` drives tool calls; `synthesize` writes tasks; `simulate` answers the simulator's
 * misses; `agent` solves tasks in replay. Plain data with no imports: workflow code may copy it.
 */
export const LLM_STAGES = ['judge', 'explore', 'synthesize', 'verify', 'simulate', 'agent'] as const;
export type LlmStage = (typeof LLM_STAGES)[number];

export function isLlmStage(value: string): value is LlmStage {
  return (LLM_STAGES as readonly string[]).includes(value);
}
