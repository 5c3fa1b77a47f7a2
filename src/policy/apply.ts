import type { DiscoveredTool } from '../domain.js';
import { decide } from './decide.js';
import { matchesPattern } from './pattern.js';
import type { ServerPolicy } from './policy.js';

/**
 * Marks every tool the policy refuses unusable, with the reason, so that it is never probed nor
 * explored; the store keeps it. A tool already unusable keeps its first reason: it is not called
 * either way. Patterns that match none of the server's tools come back as warnings, not errors:
 * a policy may be shared by runs of other servers, but a typo should not pass unnoticed.
 */
export function applyPolicy(tools: DiscoveredTool[], policy: ServerPolicy): { tools: DiscoveredTool[]; warnings: string[] } {
  const decided = tools.map((tool): DiscoveredTool => {
    if (!tool.usable) return tool;
    const decision = decide(policy, tool);
    return decision.allowed ? tool : { ...tool, usable: false, skipReason: decision.reason };
  });
  const names = tools.map((t) => t.name);
  const warnings = [...policy.allow, ...policy.deny]
    .filter((rule) => !names.some((name) => matchesPattern(rule.pattern, name)))
    .map(
      (rule) =>
        `${rule.field} "${rule.pattern}" (${policy.source}) matches no tool of server "${policy.server}": ` +
        `fix the pattern or remove it (the server's tools are ${names.join(', ') || 'none'})`,
    );
  return { tools: decided, warnings };
}
