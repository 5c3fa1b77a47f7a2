import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSandbox } from '../../src/mcp/sandbox.js';
import { openSession, type McpSession } from '../../src/mcp/session.js';
import { parseServerSpec, type ServerSpec } from '../../src/mcp/spec.js';
import { FIXTURE_TOOLS } from './fixtures/misbehaving-tools.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const EXAMPLES = ['memory', 'filesystem', 'taskmanager', 'everything'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/** The workflow input of examples/<name>.json, as a user would pass it to the Temporal CLI. */
export async function readExample(name: ExampleName): Promise<{ server: unknown; subDagCount: number; seed: number }> {
  return JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', `${name}.json`), 'utf8'));
}

export async function exampleSpec(name: ExampleName): Promise<ServerSpec> {
  return parseServerSpec((await readExample(name)).server);
}

/** The misbehaving fixture, started through tsx so that the server runs as a grandchild. */
export const fixtureSpec: ServerSpec = parseServerSpec({
  name: 'misbehaving',
  command: 'node',
  args: ['${bin:tsx}', '${project}/test/mcp/fixtures/misbehaving-server.ts'],
});
export { FIXTURE_TOOLS };

/** A temporary sandbox root per test file; `cleanup` removes it and closes every session opened. */
export async function sandboxes() {
  const root = await mkdtemp(join(tmpdir(), 'firefly-mcp-test-'));
  const sessions: McpSession[] = [];
  let episode = 0;
  return {
    root,
    async open(spec: ServerSpec, options: { episodeKey?: string; reuse?: boolean } = {}) {
      const sandboxDir = await prepareSandbox(root, 'run', options.episodeKey ?? `episode-${episode++}`, { reuse: options.reuse ?? false });
      const session = await openSession(spec, { sandboxDir, projectRoot: PROJECT_ROOT });
      sessions.push(session);
      return { session, sandboxDir };
    },
    async cleanup() {
      await Promise.all(sessions.map((s) => s.close()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Whether a process with this pid still exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export type Sandboxes = Awaited<ReturnType<typeof sandboxes>>;
