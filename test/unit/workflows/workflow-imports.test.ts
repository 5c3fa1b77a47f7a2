import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Workflow code runs in Temporal's deterministic sandbox: it may import the workflow SDK, shared
 * types, and other workflow files. A value import of anything else (graphology, the MCP SDK, Node
 * built-ins) breaks the bundle or determinism, so it is refused here rather than at run time.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = `${root}workflows/`;
/** The workflow SDK, other workflow files, and src/api.ts: the shapes clients and workflows share. */
const ALLOWED = [/^@temporalio\/(workflow|common)$/, /^\.\/[\w-]+\.js$/, /^\.\.\/src\/api\.js$/];

function valueImports(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => `${folder}${file}`);
}

describe('workflow code imports', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts'));

  it('has workflow files to check', () => {
    expect(files).toContain('generate-server-dataset.ts');
  });

  it.each(files)('%s imports only the workflow SDK, types and other workflow files', (file) => {
    expect(valueImports(`${dir}${file}`).filter((specifier) => !ALLOWED.some((allowed) => allowed.test(specifier)))).toEqual([]);
  });

  it('src/api.ts, bundled into workflows, imports only the workflow SDK (types aside)', () => {
    expect(valueImports(`${root}src/api.ts`).filter((specifier) => !/^@temporalio\/(workflow|common)$/.test(specifier))).toEqual([]);
  });

  it('nothing in src/ imports workflow code, not even its types', () => {
    const importers = sourceFiles(`${root}src/`).filter((path) => /from\s+'[./]*workflows\//.test(readFileSync(path, 'utf8')));
    expect(importers).toEqual([]);
  });
});
