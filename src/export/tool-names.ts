import { createHash } from 'node:crypto';

/** What OpenAI, Anthropic and most chat templates accept as a function name. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/**
 * What a dataset offers tools as: also an identifier in Python and JavaScript, since adapters
 * that bind tools as methods (TRL's OpenReward environment) skip any other name.
 */
export const OFFERED_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_LENGTH = 64;
const SUFFIX_HEX = 8;

/** `server/tool`: how the project names a tool everywhere outside a dataset. */
export function qualifiedToolName(server: string, tool: string): string {
  return `${server}/${tool}`;
}

/**
 * A tool's own name made acceptable to every trainer and adapter: characters other than letters,
 * digits and `_` become `_`, a leading digit gets a `_` before it, then cut to 64.
 */
export function sanitizeToolName(name: string): string {
  const replaced = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=\d)/, '_').slice(0, MAX_LENGTH);
  return replaced === '' ? 'tool' : replaced;
}

/**
 * The name each tool is offered under, keyed by its own name. Tools whose names sanitise to the
 * same string (`get.user`, `get user`) all get a suffix hashed from their original name, so which
 * tool gets which name depends on neither input order nor which tool came first.
 */
export function assignToolNames(names: Iterable<string>): Map<string, string> {
  const unique = [...new Set(names)].sort();
  const byBase = new Map<string, string[]>();
  for (const name of unique) {
    const base = sanitizeToolName(name);
    byBase.set(base, [...(byBase.get(base) ?? []), name]);
  }
  const assigned = new Map<string, string>();
  const taken = new Set<string>();
  for (const [base, group] of byBase) {
    if (group.length === 1) {
      assigned.set(group[0]!, base);
      taken.add(base);
    }
  }
  for (const [base, group] of [...byBase].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (group.length === 1) continue;
    for (const name of group) {
      // A suffixed name could, in theory, equal another tool's plain name: rehash until free.
      let attempt = 0;
      let candidate = withSuffix(base, name, attempt);
      while (taken.has(candidate)) candidate = withSuffix(base, name, ++attempt);
      assigned.set(name, candidate);
      taken.add(candidate);
    }
  }
  return assigned;
}

function withSuffix(base: string, name: string, attempt: number): string {
  const hash = createHash('sha256').update(attempt === 0 ? name : `${name}#${attempt}`).digest('hex').slice(0, SUFFIX_HEX);
  return `${base.slice(0, MAX_LENGTH - SUFFIX_HEX - 1)}_${hash}`;
}

/** The other way round: each offered name back to the tool's own name, as assignToolNames named them. */
export function ownToolNames(names: Iterable<string>): Map<string, string> {
  return new Map([...assignToolNames(names)].map(([own, offered]) => [offered, own]));
}
