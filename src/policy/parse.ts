import { SpecError } from '../mcp/errors.js';
import { describeValue, expectObject, expectString, expectStringArray, rejectUnknownKeys } from '../mcp/spec-fields.js';
import type { PolicyDocument, PolicyEntry } from './policy.js';

/** Workflow inputs hold the policy under `policy` (or in the file `policyFile` names), so field names start there. */
const ROOT = 'policy';
const EXAMPLE = '{"servers": {"memory": {"deny": ["delete_*"], "allowDestructive": true}}, "default": {"allowDestructive": false}}';
const ENTRY_KEYS = ['allow', 'deny', 'allowDestructive'];
const PATTERN_FIX = 'write a tool name of the server, or a pattern with * and ?, e.g. "read_*"';

/** Validates a policy written as JSON; every error names the field and says what to write instead. */
export function parsePolicy(input: unknown): PolicyDocument {
  const raw = expectObject(input, ROOT, `give the policy as an object, e.g. ${EXAMPLE}`);
  rejectUnknownKeys(raw, ['description', 'default', 'servers'], ROOT);
  const servers = raw.servers === undefined ? {} : expectObject(raw.servers, `${ROOT}.servers`, 'map server names to entries, e.g. {"memory": {"deny": ["delete_*"]}}');
  return {
    ...(raw.description === undefined ? {} : { description: expectString(raw.description, `${ROOT}.description`, 'describe the policy in a sentence, or remove the key') }),
    default: raw.default === undefined ? {} : parseEntry(raw.default, `${ROOT}.default`),
    // A server the run does not use is fine: one policy file can serve a whole fleet.
    servers: Object.fromEntries(Object.entries(servers).map(([name, entry]) => [name, parseEntry(entry, `${ROOT}.servers.${name}`)])),
  };
}

function parseEntry(value: unknown, field: string): PolicyEntry {
  const raw = expectObject(value, field, 'write e.g. {"allow": ["*"], "deny": ["delete_*"], "allowDestructive": false}');
  rejectUnknownKeys(raw, ENTRY_KEYS, field);
  const entry: PolicyEntry = {};
  if (raw.allow !== undefined) entry.allow = parsePatterns(raw.allow, `${field}.allow`);
  if (raw.deny !== undefined) entry.deny = parsePatterns(raw.deny, `${field}.deny`);
  if (raw.allowDestructive !== undefined) {
    if (typeof raw.allowDestructive !== 'boolean') {
      throw new SpecError(`${field}.allowDestructive`, `${field}.allowDestructive must be true or false, not ${describeValue(raw.allowDestructive)}: write true to let the run call tools annotated destructive, in their sandbox`);
    }
    entry.allowDestructive = raw.allowDestructive;
  }
  return entry;
}

function parsePatterns(value: unknown, field: string): string[] {
  const patterns = expectStringArray(value, field, `list tool patterns, e.g. ["read_*", "search_nodes"]`);
  patterns.forEach((pattern, i) => {
    const at = `${field}[${i}]`;
    if (pattern.trim() === '') throw new SpecError(at, `${at} is empty: ${PATTERN_FIX}`);
    if (/\s/.test(pattern)) throw new SpecError(at, `${at} "${pattern}" contains whitespace, which no tool name has: ${PATTERN_FIX}`);
    if (pattern.includes('/')) {
      throw new SpecError(at, `${at} "${pattern}" has a "/": patterns name the server's own tools, so drop the "<server>/" prefix and put the pattern under servers.<server>`);
    }
  });
  return patterns;
}
