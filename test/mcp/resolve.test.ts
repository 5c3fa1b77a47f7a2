import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/mcp/errors.js';
import { resolveArguments, resolveLaunch, type HttpLaunch, type StdioLaunch } from '../../src/mcp/resolve.js';
import { parseServerSpec, type MemberServerSpec } from '../../src/mcp/spec.js';

const parseMember = (input: unknown) => parseServerSpec(input) as MemberServerSpec;
import { PROJECT_ROOT } from './helpers.js';

const sandboxDir = '/tmp/firefly-sandbox/run/episode-0';
const context = { sandboxDir, projectRoot: PROJECT_ROOT, env: { PATH: '/usr/bin', HOME: '/home/worker', API_TOKEN: 's3cret' } };

describe('resolveLaunch', () => {
  it('fills in ${bin:…}, ${sandbox} and ${project}, and runs in the sandbox', () => {
    const spec = parseMember({
      name: 'memory',
      command: 'node',
      args: ['${bin:@modelcontextprotocol/server-memory}', '--data=${project}/data'],
      env: { MEMORY_FILE_PATH: '${sandbox}/memory.jsonl' },
    });
    const launch = resolveLaunch(spec, context) as StdioLaunch;
    expect(launch.args).toEqual([join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js'), `--data=${join(PROJECT_ROOT, 'data')}`]);
    expect(launch.env.MEMORY_FILE_PATH).toBe(`${sandboxDir}/memory.jsonl`);
    expect(launch.cwd).toBe(sandboxDir);
  });

  it('passes on only harmless variables unless the spec asks for one', () => {
    const plain = resolveLaunch(parseMember({ name: 's', command: 'node' }), context) as StdioLaunch;
    expect(plain.env).toEqual({ PATH: '/usr/bin', HOME: '/home/worker' });
    const asked = resolveLaunch(parseMember({ name: 's', command: 'node', env: { TOKEN: '${env:API_TOKEN}' } }), context) as StdioLaunch;
    expect(asked.env.TOKEN).toBe('s3cret');
  });

  it('reads secrets for HTTP servers from the environment at launch', () => {
    const spec = parseMember({ name: 'remote', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:API_TOKEN}' } });
    const launch = resolveLaunch(spec, context) as HttpLaunch;
    expect(launch.headers.Authorization).toBe('Bearer s3cret');
    expect(launch.url.href).toBe('https://mcp.example.com/mcp');
  });

  it('names the package and the install command when ${bin:…} is not installed', () => {
    const spec = parseMember({ name: 's', command: 'node', args: ['${bin:@firefly-test/not-installed}'] });
    const error = thrown(() => resolveLaunch(spec, context));
    expect(error).toMatchObject({ field: 'server.args[0]' });
    expect(error.message).toMatch(/npm install @firefly-test\/not-installed/);
  });

  it('names the variable when ${env:…} is not set, and never prints a resolved URL', () => {
    const missing = parseMember({ name: 'r', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:MISSING_TOKEN}' } });
    expect(thrown(() => resolveLaunch(missing, context))).toMatchObject({ field: 'server.headers.Authorization', message: expect.stringMatching(/export MISSING_TOKEN/) });
    const notUrl = parseMember({ name: 'r', url: '${env:API_TOKEN}' });
    const error = thrown(() => resolveLaunch(notUrl, context));
    expect(error).toMatchObject({ field: 'server.url' });
    expect(error.message).not.toContain('s3cret');
  });
});

describe('resolveArguments', () => {
  it('fills in the sandbox in setup arguments, however deep', () => {
    const args = { path: '${sandbox}/notes/todo.md', edits: [{ oldText: '${project}', newText: 'plain' }] };
    expect(resolveArguments(args, 'server.setup[0].arguments', context)).toEqual({
      path: `${sandboxDir}/notes/todo.md`,
      edits: [{ oldText: PROJECT_ROOT.replace(/\/$/, ''), newText: 'plain' }],
    });
  });
});

function thrown(work: () => unknown): SpecError {
  try {
    work();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}
