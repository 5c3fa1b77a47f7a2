/**
 * The model llm-agent evaluates: the replay's own `llm` when it gives one (resolved like a run's,
 * on the worker that makes the calls), otherwise the run's own agent model. Refusals name the
 * replay input's field, `input.llm…`, so that the fix is clear.
 */
import { LlmConfigError, resolveLlmConfig, type LlmConfig, type OnlineLlmConfig } from '../llm/config.js';

type Env = Readonly<Record<string, string | undefined>>;

const EXAMPLES =
  '{"provider":"anthropic"} (with ANTHROPIC_API_KEY set where the worker runs) or ' +
  '{"provider":"openai-compatible","baseURL":"http://127.0.0.1:8000/v1","model":"qwen3-4b"}';

export function replayLlmConfig(given: unknown, run: { runId: string; llm: LlmConfig }, env: Env): OnlineLlmConfig {
  if (given === undefined || given === null) {
    if (run.llm.provider !== 'offline') return run.llm;
    throw new LlmConfigError(
      'input.llm',
      `is not given, and run ${run.runId} is offline, so it has no model for llm-agent to evaluate: ` +
        `give the model in input.llm, e.g. ${EXAMPLES}.`,
    );
  }
  let config: LlmConfig;
  try {
    config = resolveLlmConfig(given, env);
  } catch (error) {
    if (!(error instanceof LlmConfigError)) throw error;
    // `llm.model: …` → `input.llm.model: …`: the replay's input, not the run's; the advice too.
    const advice = error.message.slice(error.field.length + 2).replace(/(^|[\s(])llm\./g, '$1input.llm.');
    throw new LlmConfigError(`input.${error.field}`, advice);
  }
  if (config.provider === 'offline') {
    throw new LlmConfigError('input.llm', `resolves to the offline provider, which has no model for llm-agent to evaluate: give a provider, e.g. ${EXAMPLES}.`);
  }
  return config;
}
