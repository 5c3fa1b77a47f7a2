import type { ToolAnnotations } from '../domain.js';
import { SpecError } from '../mcp/errors.js';
import { decide } from './decide.js';
import type { ServerPolicy } from './policy.js';

/**
 * Setup calls come from the spec and run on every sandbox, so one the policy refuses is a
 * configuration error, not a tool to skip. Before discovery only names are known (`annotations`
 * empty): the allow and deny patterns are checked then, and the destructive rule once the
 * server has listed its tools.
 */
export function checkSetupCalls(
  setup: ReadonlyArray<{ tool: string }>,
  policy: ServerPolicy,
  annotations: ReadonlyMap<string, ToolAnnotations | undefined> = new Map(),
): void {
  setup.forEach((call, i) => {
    const known = annotations.get(call.tool);
    const decision = decide(policy, { name: call.tool, ...(known ? { annotations: known } : {}) });
    if (decision.allowed) return;
    const field = `server.setup[${i}].tool`;
    throw new SpecError(
      field,
      `${field} calls "${call.tool}", which the run may not call: ${decision.reason}. ` +
        'Setup calls run on every sandbox, so change the policy or remove the call from server.setup',
    );
  });
}
