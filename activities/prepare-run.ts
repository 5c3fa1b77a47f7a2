import type { JsonValue } from '../src/domain.js';
import { parseServerSpec } from '../src/mcp/spec.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';

export interface PrepareRunInput {
  runId: string;
  server: unknown;
  options: object;
}

/** Validates the server spec and records the run; a bad spec fails here, before any server starts. */
export function prepareRunActivity(deps: ActivityDeps) {
  return async function prepareRun(input: PrepareRunInput): Promise<{ serverName: string; planner: string }> {
    return withFailureMapping(async () => {
      const spec = parseServerSpec(input.server);
      await deps.store.saveRun({
        runId: input.runId,
        serverName: spec.name,
        spec: input.server as JsonValue,
        options: input.options as JsonValue,
        planner: deps.planner.name,
      });
      return { serverName: spec.name, planner: deps.planner.name };
    });
  };
}
