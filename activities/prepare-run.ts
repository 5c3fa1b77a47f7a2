import { log } from '@temporalio/activity';
import type { JsonValue } from '../src/domain.js';
import type { RunModels } from '../src/api.js';
import { parseServerSpec } from '../src/mcp/spec.js';
import { checkSetupCalls } from '../src/policy/setup.js';
import { STORED_POLICY_KEY } from '../src/policy/stored.js';
import { literalSecretWarnings } from '../src/secrets/spec-secrets.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { changedRunningOptions, identityDifferences, RunIdentityError } from '../src/run-identity.js';
import { resolveRunPolicy } from './run-policy.js';
import { resolveLlmConfig } from '../src/llm/config.js';
import { keptLlmConfig, plannerName, STORED_LLM_KEY } from './run-llm.js';

export interface PrepareRunInput {
  runId: string;
  server: unknown;
  options: object;
}

export interface PreparedRun {
  serverName: string;
  planner: string;
  /** Which models the run's stages use; the workflow sends their activities to the LLM task queue. */
  llm: RunModels;
}

/**
 * Validates the server spec and the tool policy and records the run with the policy it will
 * enforce; a bad spec, a bad policy or a setup call the policy refuses fails here, before any
 * server starts.
 */
export function prepareRunActivity(deps: ActivityDeps) {
  return async function prepareRun(input: PrepareRunInput): Promise<PreparedRun> {
    return withFailureMapping(async () => {
      const spec = parseServerSpec(input.server);
      for (const warning of literalSecretWarnings(spec)) log.warn(warning);
      const policy = await resolveRunPolicy(input.options, spec.name, deps.projectRoot);
      checkSetupCalls(spec.setup, policy);
      // Resolved here, on a worker: the defaults depend on the worker's environment (is a key set?).
      // A resumed run keeps the models it started with.
      const requested = (input.options as { llm?: unknown }).llm;
      const previous = await deps.store.getRun(input.runId);
      // Nothing may overwrite a recorded run: other inputs under its ID are refused before anything is written.
      const differences = previous ? identityDifferences(previous, input.server, input.options) : [];
      if (differences.length > 0) throw new RunIdentityError(input.runId, differences);
      if (previous) for (const change of changedRunningOptions(previous, input.options)) log.info(`run ${input.runId} resumed with ${change}`);
      const llm = previous ? keptLlmConfig(previous, requested) : resolveLlmConfig(requested, deps.env);
      const planner = plannerName(llm);
      await deps.store.saveRun({
        runId: input.runId,
        serverName: spec.name,
        spec: input.server as JsonValue,
        options: {
          ...(input.options as Record<string, JsonValue>),
          [STORED_POLICY_KEY]: policy as unknown as JsonValue,
          [STORED_LLM_KEY]: llm as unknown as JsonValue,
        },
        planner,
      });
      return { serverName: spec.name, planner, llm: llm.provider === 'offline' ? { provider: 'offline' } : { provider: llm.provider, models: llm.models } };
    });
  };
}
