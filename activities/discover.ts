import { log } from '@temporalio/activity';
import { discoverTools as discover } from '../src/mcp/discover.js';
import { prepareSandbox } from '../src/mcp/sandbox.js';
import { openSession } from '../src/mcp/session.js';
import { applyPolicy } from '../src/policy/apply.js';
import { guardSession } from '../src/policy/guarded-session.js';
import { checkSetupCalls } from '../src/policy/setup.js';
import { redactTool } from '../src/secrets/redact-tool.js';
import { specRedactor } from '../src/secrets/spec-secrets.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { loadRun } from './run-context.js';
import { SpecError } from '../src/mcp/errors.js';
import type { DiscoveredTool } from '../src/domain.js';
import { runPolicy } from './run-policy.js';

/**
 * Lists every tool the server offers and stores them, usable or not (with the reason): tools the
 * run's policy refuses are stored unusable, so they are never probed nor explored. Policy patterns
 * that match no tool come back as warnings.
 */
export function discoverToolsActivity(deps: ActivityDeps) {
  return async function discoverTools(input: { runId: string }): Promise<{ discovered: number; usable: number; warnings: string[] }> {
    return withFailureMapping(async () => {
      const { run, spec } = await loadRun(deps, input.runId);
      const policy = runPolicy(run);
      const sandboxDir = await prepareSandbox(deps.sandboxRoot, input.runId, 'discover', { reuse: false });
      // Discovery only lists tools; the guard is there so that no call added here could bypass the policy.
      const session = guardSession(await openSession(spec, { sandboxDir, projectRoot: deps.projectRoot, env: deps.env }), policy);
      try {
        const listed = await discover(session, spec);
        // Only now are annotations known: a setup call to a destructive tool the run does not allow fails the run here.
        checkSetupCalls(spec.setup, policy, new Map(listed.map((t) => [t.name, t.annotations])));
        const { tools, warnings } = applyPolicy(listed, policy);
        for (const warning of warnings) log.warn(warning);
        // Descriptions and schema defaults may be built from the server's configuration, secrets included.
        const redactor = specRedactor(spec, deps.env);
        await deps.store.saveTools(input.runId, tools.map((tool) => redactTool(tool, redactor)));
        // Recorded first, so the reasons stay readable in the store; then nothing is left to explore.
        if (!tools.some((t) => t.usable)) throw noUsableTools(spec.name, tools);
        return { discovered: tools.length, usable: tools.filter((t) => t.usable).length, warnings };
      } finally {
        await session.close();
      }
    });
  };
}

function noUsableTools(server: string, tools: DiscoveredTool[]): SpecError {
  if (tools.length === 0) {
    return new SpecError('server', `server "${server}" lists no tools: check that the spec starts the right server with the options that enable its tools`);
  }
  const reasons = tools.map((t) => `${t.name}: ${t.skipReason ?? 'unusable'}`).join('; ');
  return new SpecError('server', `none of the ${tools.length} tools of server "${server}" may be called (${reasons}): allow some in the policy or server.exclude`);
}
