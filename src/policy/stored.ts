import type { JsonValue } from '../domain.js';
import { isPlainObject } from '../mcp/spec-fields.js';
import { effectivePolicy } from './effective.js';
import type { ServerPolicy } from './policy.js';

/** Where prepareRun stores the effective policy among the run's options. */
export const STORED_POLICY_KEY = 'effectivePolicy';

/**
 * The policy a stored run enforces. Later stages read it from the store, never from the file
 * again, so every worker of a run enforces the same policy. A run recorded without one (before
 * policies existed) gets the safe default: every tool allowed by name, no destructive tool.
 */
export function storedPolicy(options: JsonValue, server: string): ServerPolicy {
  const stored = isPlainObject(options) ? options[STORED_POLICY_KEY] : undefined;
  if (!isStoredPolicy(stored)) return effectivePolicy(server);
  return stored;
}

function isStoredPolicy(value: unknown): value is ServerPolicy {
  if (!isPlainObject(value)) return false;
  const rules = (list: unknown) => Array.isArray(list) && list.every((r: unknown) => isPlainObject(r) && typeof r.pattern === 'string' && typeof r.field === 'string');
  return (
    typeof value.server === 'string' &&
    typeof value.source === 'string' &&
    typeof value.allowDestructive === 'boolean' &&
    typeof value.allowDestructiveFrom === 'string' &&
    rules(value.allow) &&
    rules(value.deny)
  );
}
