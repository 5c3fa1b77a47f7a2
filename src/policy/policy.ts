/**
 * The shapes of a run's tool policy: which tools of a server may be called live, and whether tools
 * annotated destructive may be. Plain data, so the effective policy can be stored with the run.
 */

/** One entry of a policy file: for one server (`servers.<name>`) or for every server (`default`). */
export interface PolicyEntry {
  allow?: string[];
  deny?: string[];
  allowDestructive?: boolean;
}

/** A policy as written: `{"default": {…}, "servers": {"memory": {…}}}`. */
export interface PolicyDocument {
  description?: string;
  default: PolicyEntry;
  servers: Record<string, PolicyEntry>;
}

/** One pattern and the field it was written at, so that a refusal can point at the line to change. */
export interface PolicyRule {
  pattern: string;
  field: string;
}

/** What one run enforces for its server: the document's entries merged with the run's own options. */
export interface ServerPolicy {
  server: string;
  /** Where the policy came from, for messages: `input.policy`, `policy file <path>`, or `no policy`. */
  source: string;
  /** A tool must match one of these (the default is every tool)… */
  allow: PolicyRule[];
  /** …and none of these: deny wins over allow. */
  deny: PolicyRule[];
  allowDestructive: boolean;
  /** The field that decided allowDestructive, e.g. `input.allowDestructive`. */
  allowDestructiveFrom: string;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };
