import { log } from '@temporalio/activity';
import type { JsonValue } from '../src/domain.js';
import { parseServerSpec } from '../src/mcp/spec.js';
import { checkSetupCalls } from '../src/policy/setup.js';
import { STORED_POLICY_KEY } from '../src/policy/stored.js';
import { literalSecretWarnings } from '../src/secrets/spec-secrets.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { resolveRunPolicy } from './run-policy.js';

export interface PrepareRunInput {
  runId: string;
  server: unknown;
  options: object;
}

/**
 * Validates the server spec and the tool policy and records the run with the policy it will
 * enforce; a bad spec, a bad policy or a setup call the policy refuses fails here, before any
 * server starts.
 */
export function prepareRunActivity(deps: ActivityDeps) {
  return async function prepareRun(input: PrepareRunInput): Promise<{ serverName: string; planner: string }> {
    return withFailureMapping(async () => {
      const spec = parseServerSpec(input.server);
      for (const warning of literalSecretWarnings(spec)) log.warn(warning);
      const policy = await resolveRunPolicy(input.options, spec.name, deps.projectRoot);
      checkSetupCalls(spec.setup, policy);
      await deps.store.saveRun({
        runId: input.runId,
        serverName: spec.name,
        spec: input.server as JsonValue,
        options: { ...(input.options as Record<string, JsonValue>), [STORED_POLICY_KEY]: policy as unknown as JsonValue },
        planner: deps.planner.name,
      });
      return { serverName: spec.name, planner: deps.planner.name };
    });
  };
}
