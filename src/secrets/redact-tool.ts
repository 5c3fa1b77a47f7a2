import type { DiscoveredTool, JsonValue } from '../domain.js';
import type { Redactor } from './redactor.js';

/**
 * A tool definition as the store keeps it: a server may build its descriptions or schema defaults
 * from its configuration, secrets included. The name is kept as listed: it is what calls use.
 */
export function redactTool(tool: DiscoveredTool, redactor: Redactor): DiscoveredTool {
  const redacted = redactor.redact(tool as unknown as JsonValue) as unknown as DiscoveredTool;
  return { ...redacted, name: tool.name };
}
