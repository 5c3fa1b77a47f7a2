import type { ToolAnnotations } from '../domain.js';
import { matchesPattern } from './pattern.js';
import type { Decision, ServerPolicy } from './policy.js';

/** What a decision needs of a tool: its name and, when known, its annotations. */
export interface PolicySubject {
  name: string;
  annotations?: ToolAnnotations;
}

/**
 * Whether the run may call `tool` live. Deny wins over allow; a tool no allow pattern matches is
 * refused; a tool annotated `destructiveHint: true` is refused unless the run allows destructive
 * tools. Every reason says which field decided and how to change it.
 */
export function decide(policy: ServerPolicy, tool: PolicySubject): Decision {
  const from = `(${policy.source})`;
  const denied = policy.deny.find((rule) => matchesPattern(rule.pattern, tool.name));
  if (denied) {
    return refused(`denied by ${denied.field} "${denied.pattern}" ${from}; deny wins over allow, so remove that pattern to call it`);
  }
  if (!policy.allow.some((rule) => matchesPattern(rule.pattern, tool.name))) {
    const fields = [...new Set(policy.allow.map((rule) => rule.field.replace(/\[\d+\]$/, '')))].join(', ');
    return refused(`not allowed: no pattern of ${fields} ${from} matches it; add "${tool.name}" (or a pattern such as "${prefixPattern(tool.name)}") to call it`);
  }
  if (tool.annotations?.destructiveHint === true && !policy.allowDestructive) {
    return refused(
      `annotated destructive (destructiveHint: true) and destructive tools are not allowed (${policy.allowDestructiveFrom}): ` +
        `set "allowDestructive": true in the workflow input or in the policy's servers.${policy.server} entry to call it, in its episode's sandbox`,
    );
  }
  return { allowed: true };
}

function refused(reason: string): Decision {
  return { allowed: false, reason: `refused by the run's tool policy: ${reason}` };
}

/** "read_file" → "read_*": a hint at how patterns are written. */
function prefixPattern(name: string): string {
  const cut = name.search(/[_-]/);
  return cut > 0 ? `${name.slice(0, cut + 1)}*` : '*';
}
