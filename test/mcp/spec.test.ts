import type { GenerateServerDatasetInput } from '../../src/api.js';
import { runOptions } from '../../workflows/options.js';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/mcp/errors.js';
import { parseServerSpec, SPEC_DEFAULTS } from '../../src/mcp/spec.js';
import { EXAMPLES, readExample } from './helpers.js';

const stdio = { name: 'memory', command: 'node', args: ['${bin:@modelcontextprotocol/server-memory}'] };
const http = { name: 'remote', url: 'https://mcp.example.com/mcp' };

/** Each spec is wrong in exactly one way; `field` is where the SpecError must point. */
const malformed: Array<{ problem: string; input: unknown; field: string }> = [
  { problem: 'not an object', input: 'node server.js', field: 'server' },
  { problem: 'neither command nor url', input: { name: 'memory' }, field: 'server.command' },
  { problem: 'stdio without command', input: { name: 'memory', transport: 'stdio' }, field: 'server.command' },
  { problem: 'unknown transport', input: { ...http, transport: 'sse' }, field: 'server.transport' },
  { problem: 'both command and url', input: { ...stdio, url: http.url }, field: 'server.transport' },
  { problem: 'http transport given a command', input: { ...http, transport: 'http', command: 'node' }, field: 'server.command' },
  { problem: 'missing name', input: { command: 'node' }, field: 'server.name' },
  { problem: 'bad name', input: { ...stdio, name: 'My Server' }, field: 'server.name' },
  { problem: 'args not an array', input: { ...stdio, args: '--port 3000' }, field: 'server.args' },
  { problem: 'arg not a string', input: { ...stdio, args: ['server.js', 3000] }, field: 'server.args[1]' },
  { problem: 'env value not a string', input: { ...stdio, env: { PORT: 3000 } }, field: 'server.env.PORT' },
  { problem: 'env name invalid', input: { ...stdio, env: { 'MY-VAR': 'x' } }, field: 'server.env.MY-VAR' },
  { problem: 'unknown key (typo)', input: { ...stdio, exlude: ['echo'] }, field: 'server.exlude' },
  { problem: 'unknown placeholder', input: { ...stdio, args: ['${sandbx}/data'] }, field: 'server.args[0]' },
  { problem: 'unterminated placeholder', input: { ...stdio, args: ['${sandbox/data'] }, field: 'server.args[0]' },
  { problem: 'bin of a non-package', input: { ...stdio, args: ['${bin:not a package}'] }, field: 'server.args[0]' },
  { problem: 'placeholder in command', input: { ...stdio, command: '${bin:tsx}' }, field: 'server.command' },
  { problem: 'npx as command', input: { ...stdio, command: 'npx' }, field: 'server.command' },
  { problem: 'setup entry without tool', input: { ...stdio, setup: [{ tool: 'read_graph' }, { arguments: {} }] }, field: 'server.setup[1].tool' },
  { problem: 'setup entry with a misspelt key', input: { ...stdio, setup: [{ tool: 'read_graph', args: {} }] }, field: 'server.setup[0].args' },
  { problem: 'setup arguments not an object', input: { ...stdio, setup: [{ tool: 'read_graph', arguments: [] }] }, field: 'server.setup[0].arguments' },
  {
    problem: 'secret placeholder in a recorded argument',
    input: { ...stdio, setup: [{ tool: 'login', arguments: { token: '${env:API_TOKEN}' } }] },
    field: 'server.setup[0].arguments.token',
  },
  { problem: 'url not a URL', input: { ...http, url: 'mcp.example.com' }, field: 'server.url' },
  { problem: 'url not http', input: { ...http, url: 'ftp://mcp.example.com/mcp' }, field: 'server.url' },
  { problem: 'header value not a string', input: { ...http, headers: { 'X-Retries': 3 } }, field: 'server.headers.X-Retries' },
  { problem: 'negative call timeout', input: { ...stdio, callTimeoutMs: -1 }, field: 'server.callTimeoutMs' },
  { problem: 'startup timeout as text', input: { ...stdio, startupTimeoutMs: '20s' }, field: 'server.startupTimeoutMs' },
  { problem: 'exclude not an array', input: { ...stdio, exclude: 'echo' }, field: 'server.exclude' },
  { problem: 'exclude repeats a tool', input: { ...stdio, exclude: ['echo', 'echo'] }, field: 'server.exclude[1]' },
  { problem: 'hint not a list', input: { ...stdio, argumentHints: { path: '/tmp/x' } }, field: 'server.argumentHints.path' },
  { problem: 'hint list empty', input: { ...stdio, argumentHints: { path: [] } }, field: 'server.argumentHints.path' },
];

describe('parseServerSpec rejects malformed specs', () => {
  it.each(malformed)('$problem → $field', ({ input, field }) => {
    const error = catchError(() => parseServerSpec(input));
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).field).toBe(field);
    expect((error as SpecError).retryable).toBe(false);
  });

  it('says what is wrong and how to fix it', () => {
    expect(messageOf({ name: 'memory', transport: 'stdio' })).toMatch(/server\.command is missing: give the executable to start, e\.g\. "node"/);
    expect(messageOf({ ...http, transport: 'sse' })).toMatch(/"stdio", "http"/);
    expect(messageOf({ ...stdio, comand: 'node' })).toMatch(/valid keys are name, description, transport, .*command/);
    expect(messageOf({ ...stdio, args: ['${sandbx}'] })).toMatch(/\$\{sandbox\}, \$\{project\}, \$\{bin:<npm package>\}, \$\{env:NAME\}/);
    expect(messageOf({ ...stdio, command: 'npx' })).toMatch(/npm install the server, then use command "node"/);
  });
});

describe('parseServerSpec normalises valid specs', () => {
  it('infers stdio from command and fills in defaults', () => {
    expect(parseServerSpec(stdio)).toEqual({
      ...stdio,
      transport: 'stdio',
      env: {},
      setup: [],
      argumentHints: {},
      exclude: [],
      callTimeoutMs: SPEC_DEFAULTS.callTimeoutMs,
      startupTimeoutMs: SPEC_DEFAULTS.startupTimeoutMs,
    });
  });

  it('infers http from url and keeps placeholders for launch time', () => {
    const spec = parseServerSpec({ ...http, url: '${env:MCP_URL}', headers: { Authorization: 'Bearer ${env:MCP_TOKEN}' } });
    expect(spec).toMatchObject({ transport: 'http', url: '${env:MCP_URL}', headers: { Authorization: 'Bearer ${env:MCP_TOKEN}' } });
  });

  it('defaults setup arguments to an empty object', () => {
    expect(parseServerSpec({ ...stdio, setup: [{ tool: 'read_graph' }] }).setup).toEqual([{ tool: 'read_graph', arguments: {} }]);
  });
});

describe('the example workflow inputs', () => {
  it.each(EXAMPLES)('examples/%s.json holds a valid spec and options the workflow accepts', async (name) => {
    const input = await readExample(name);
    expect(parseServerSpec(input.server).name).toBe(name);
    expect(runOptions(input as GenerateServerDatasetInput)).toMatchObject({ seed: 1, subDagCount: expect.any(Number) });
  });
});

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}

function messageOf(input: unknown): string {
  return (catchError(() => parseServerSpec(input)) as Error).message;
}
