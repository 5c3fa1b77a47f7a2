/**
 * Tool-name patterns of a policy: `*` stands for any run of characters, `?` for one; everything
 * else is literal. Patterns name a server's own tools (`read_*`), never `server/tool`.
 */

/** Whether `name` matches `pattern` as a whole (not as a substring). */
export function matchesPattern(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (char) => (char === '*' ? '.*' : char === '?' ? '.' : `\\${char}`));
  return new RegExp(`^${source}$`, 's').test(name);
}
