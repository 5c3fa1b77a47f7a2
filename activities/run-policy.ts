import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { SpecError } from '../src/mcp/errors.js';
import { effectivePolicy } from '../src/policy/effective.js';
import { parsePolicy } from '../src/policy/parse.js';
import type { PolicyDocument, ServerPolicy } from '../src/policy/policy.js';
import { storedPolicy } from '../src/policy/stored.js';
import type { RunRecord } from '../src/store/store.js';

/** The policy fields of the workflow input (shapes already checked by workflows/options.ts). */
interface PolicyOptions {
  policy?: unknown;
  policyFile?: unknown;
  allowDestructive?: unknown;
}

/**
 * The policy a new run will enforce for `server`: the inline `policy` or the file `policyFile`
 * names (relative to the worker's project root, or absolute), merged with `allowDestructive`.
 * The file is read once, here; later stages read the stored result.
 */
export async function resolveRunPolicy(options: object, server: string, projectRoot: string): Promise<ServerPolicy> {
  const given = options as PolicyOptions;
  const allowDestructive = typeof given.allowDestructive === 'boolean' ? given.allowDestructive : undefined;
  const source = await policySource(given, projectRoot);
  return effectivePolicy(server, { ...source, ...(allowDestructive === undefined ? {} : { allowDestructive }) });
}

/** The policy a recorded run enforces, as prepareRun stored it. */
export function runPolicy(run: RunRecord): ServerPolicy {
  return storedPolicy(run.options, run.serverName);
}

async function policySource(given: PolicyOptions, projectRoot: string): Promise<{ document?: PolicyDocument; source?: string }> {
  if (given.policy !== undefined) return { document: parsePolicy(given.policy), source: 'input.policy' };
  if (given.policyFile === undefined) return {};
  if (typeof given.policyFile !== 'string' || given.policyFile.trim() === '') {
    throw new SpecError('input.policyFile', 'input.policyFile must be a path to a JSON policy file, relative to the worker\'s project root or absolute');
  }
  const path = isAbsolute(given.policyFile) ? given.policyFile : resolve(projectRoot, given.policyFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SpecError('input.policyFile', `input.policyFile "${given.policyFile}" cannot be read at ${path} (${code}): give a path relative to the worker's project root (${projectRoot}) or an absolute one`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SpecError('input.policyFile', `input.policyFile ${path} is not JSON (${(error as Error).message}): fix the file`);
  }
  try {
    return { document: parsePolicy(json), source: `policy file ${path}` };
  } catch (error) {
    if (error instanceof SpecError) throw new SpecError(error.field, `in policy file ${path}: ${error.message}`);
    throw error;
  }
}
