import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isPlainObject } from './spec-fields.js';
import { SpecError } from './errors.js';

/**
 * The absolute path of an installed package's bin script, for `${bin:pkg}`. Starting that script with
 * node (rather than npx) never touches the network and always runs the version the project pinned.
 */
export function resolveBin(pkg: string, projectRoot: string, field: string): string {
  const dir = join(projectRoot, 'node_modules', pkg);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) {
    throw new SpecError(field, `${field} needs npm package ${pkg}, which is not installed under ${join(projectRoot, 'node_modules')}: run npm install ${pkg}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new SpecError(field, `${field} needs ${manifestPath}, which cannot be read (${(error as Error).message}): reinstall with npm install ${pkg}`);
  }
  const script = resolve(dir, pickBin(pkg, isPlainObject(manifest) ? manifest.bin : undefined, field));
  if (!existsSync(script)) {
    throw new SpecError(field, `${field}: package ${pkg} names bin script ${script}, which is missing: reinstall with npm install ${pkg}`);
  }
  return script;
}

/** npm allows one bin (a string) or several (an object); with several, the one named after the package wins. */
function pickBin(pkg: string, bin: unknown, field: string): string {
  if (typeof bin === 'string') return bin;
  const entries = isPlainObject(bin) ? Object.entries(bin).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  const unscoped = pkg.split('/').pop();
  const chosen = entries.length === 1 ? entries[0] : entries.find(([name]) => name === unscoped);
  if (chosen) return chosen[1];
  const listed = entries.map(([name, path]) => `${name} (${path})`).join(', ');
  throw new SpecError(
    field,
    `${field}: package ${pkg} ${listed ? `has several bin scripts: ${listed}` : 'declares no bin script'}; ` +
      `give the script path instead, e.g. "\${project}/node_modules/${pkg}/<script>"`,
  );
}
