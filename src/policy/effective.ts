import type { PolicyDocument, PolicyRule, ServerPolicy } from './policy.js';

export interface RunPolicyInput {
  /** The parsed policy, if the run was given one. */
  document?: PolicyDocument;
  /** `input.policy` or `policy file <path>`: said in every refusal. */
  source?: string;
  /** The workflow input's own allowDestructive, if set. */
  allowDestructive?: boolean;
}

const EVERY_TOOL: PolicyRule = { pattern: '*', field: 'the default (every tool)' };

/**
 * The policy one run enforces for `server`. Deny lists add up (the default's and the server's);
 * the server's allow list replaces the default's; allowDestructive is decided by the closest
 * setting: the run's input, then the server's entry, then the policy's default, then false.
 */
export function effectivePolicy(server: string, input: RunPolicyInput = {}): ServerPolicy {
  const { document } = input;
  const entry = document?.servers[server];
  const rules = (patterns: string[] | undefined, field: string) => (patterns ?? []).map((pattern, i) => ({ pattern, field: `${field}[${i}]` }));
  const allow = entry?.allow
    ? rules(entry.allow, `policy.servers.${server}.allow`)
    : document?.default.allow
      ? rules(document.default.allow, 'policy.default.allow')
      : [EVERY_TOOL];
  const deny = [...rules(document?.default.deny, 'policy.default.deny'), ...rules(entry?.deny, `policy.servers.${server}.deny`)];
  const [allowDestructive, allowDestructiveFrom] =
    input.allowDestructive !== undefined
      ? [input.allowDestructive, 'input.allowDestructive']
      : entry?.allowDestructive !== undefined
        ? [entry.allowDestructive, `policy.servers.${server}.allowDestructive`]
        : document?.default.allowDestructive !== undefined
          ? [document.default.allowDestructive, 'policy.default.allowDestructive']
          : [false, 'the default (false)'];
  return { server, source: document ? (input.source ?? 'input.policy') : 'no policy', allow, deny, allowDestructive, allowDestructiveFrom };
}
