import { discoverTools as discover } from '../src/mcp/discover.js';
import { prepareSandbox } from '../src/mcp/sandbox.js';
import { openSession } from '../src/mcp/session.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { loadRun } from './run-context.js';

/** Lists every tool the server offers and stores them, usable or not (with the reason). */
export function discoverToolsActivity(deps: ActivityDeps) {
  return async function discoverTools(input: { runId: string }): Promise<{ discovered: number; usable: number }> {
    return withFailureMapping(async () => {
      const { spec } = await loadRun(deps, input.runId);
      const sandboxDir = await prepareSandbox(deps.sandboxRoot, input.runId, 'discover', { reuse: false });
      const session = await openSession(spec, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env });
      try {
        const tools = await discover(session, spec);
        await deps.store.saveTools(input.runId, tools);
        return { discovered: tools.length, usable: tools.filter((t) => t.usable).length };
      } finally {
        await session.close();
      }
    });
  };
}
