import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Workflow code runs in Temporal's deterministic sandbox: it may import the workflow SDK, shared
 * types, and other workflow files. A value import of anything else (graphology, the MCP SDK, Node
 * built-ins) breaks the bundle or determinism, so it is refused here rather than at run time.
 */
const dir = fileURLToPath(new URL('../../../workflows/', import.meta.url));
const ALLOWED = [/^@temporalio\/(workflow|common)$/, /^\.\/[\w-]+\.js$/];

describe('workflow code imports', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts'));

  it('has workflow files to check', () => {
    expect(files).toContain('generate-server-dataset.ts');
  });

  it.each(files)('%s imports only the workflow SDK, types and other workflow files', (file) => {
    const source = readFileSync(`${dir}${file}`, 'utf8');
    const valueImports = [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
    expect(valueImports.filter((specifier) => !ALLOWED.some((allowed) => allowed.test(specifier)))).toEqual([]);
  });
});
