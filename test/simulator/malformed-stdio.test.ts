import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';
import { simulateCommand, withoutToken } from './simulate-process.js';

const MIB = 1024 * 1024;

/**
 * `firefly simulate` over stdio, driven by raw lines: what an SDK client never sends. Every line
 * written gets exactly one line back (these tests send no notifications), read in order.
 */
class RawStdio {
  readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  stderr = '';

  constructor(datasetDir: string, ...flags: string[]) {
    const { command, args, cwd } = simulateCommand(datasetDir, ...flags);
    this.child = spawn(command, args, { cwd, env: withoutToken(process.env), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) !== -1) {
        this.lines.push(this.buffered.slice(0, newline));
        this.buffered = this.buffered.slice(newline + 1);
      }
      this.wake();
    });
  }

  /** Writes one line (a newline is added) and resolves with the next line the server writes, parsed. */
  async exchange(line: string | Buffer): Promise<{ id: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } }> {
    this.child.stdin.write(line);
    this.child.stdin.write('\n');
    return JSON.parse(await this.read()) as never;
  }

  /** The next line the server writes. */
  read(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within 20 s; stderr: ${this.stderr}`)), 20_000);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.wake();
    });
  }

  private wake(): void {
    const line = this.lines.shift();
    if (line === undefined || !this.waiting) {
      if (line !== undefined) this.lines.unshift(line);
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting(line);
  }

  /** Ends stdin, as a client that leaves does, and resolves with the exit code. */
  async end(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdin.end();
    return this.child.exitCode ?? exited;
  }
}

const rpc = (id: number, method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

describe('firefly simulate over stdio, sent malformed and oversized lines', () => {
  let run: RecordedRun;
  let server: RawStdio;

  /** A valid tools/list: the process must still answer after every bad line. */
  const expectStillServing = async (id: number) => {
    const answer = await server.exchange(rpc(id, 'tools/list'));
    expect(answer.id).toBe(id);
    expect(answer.result?.tools).toHaveLength(run.input.tools.length);
    expect(server.child.exitCode).toBeNull();
  };

  beforeAll(async () => {
    run = await recordMemoryRun();
    server = new RawStdio(run.datasetDir);
    const opened = await server.exchange(rpc(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } }));
    expect(opened.result).toMatchObject({ serverInfo: { version: 'firefly-simulator' } });
    server.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGTERM');
    await run?.cleanup();
  });

  it.each([
    { what: 'invalid JSON', line: '{"jsonrpc": "2.0", "id": 1, "method":', code: -32700, id: null, message: /Parse error: the line is not JSON/ },
    { what: 'a string', line: '"tools/list"', code: -32600, id: null, message: /a JSON-RPC message is an object/ },
    { what: 'a batch of garbage', line: '[1, "two", {}]', code: -32600, id: null, message: /a batch \(JSON array\) is not accepted over stdio/ },
    { what: 'a request without a method', line: JSON.stringify({ jsonrpc: '2.0', id: 2 }), code: -32600, id: 2, message: /no method/ },
    { what: 'an extra member', line: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', verbose: true }), code: -32600, id: 3, message: /unexpected member "verbose"/ },
    { what: 'params that are a number', line: rpc(4, 'tools/list', 7), code: -32600, id: 4, message: /params is number 7/ },
    { what: 'a tools/list cursor that is an object', line: rpc(5, 'tools/list', { cursor: {} }), code: -32602, id: 5, message: /tools\/list params.cursor/ },
    { what: 'initialize with params of the wrong types', line: rpc(6, 'initialize', { protocolVersion: [], capabilities: 'all', clientInfo: {} }), code: -32602, id: 6, message: /initialize params.protocolVersion/ },
    { what: 'tools/call arguments that are an array', line: rpc(7, 'tools/call', { name: 'read_graph', arguments: [] }), code: -32602, id: 7, message: /params.arguments is an array/ },
    { what: 'an unknown tool', line: rpc(8, 'tools/call', { name: 'drop_database' }), code: -32602, id: 8, message: /Unknown tool "drop_database"/ },
    { what: 'an unknown method', line: rpc(9, 'sampling/takeOver'), code: -32601, id: 9, message: /Method not found: sampling\/takeOver/ },
  ])('answers $what with $code, then still serves', async ({ line, code, id, message }) => {
    const answer = await server.exchange(line);
    expect(answer).toMatchObject({ id, error: { code } });
    expect(answer.error?.message).toMatch(message);
    await expectStillServing(100);
  });

  it('answers a 2 MiB line with -32600 as soon as it passes 1 MiB, skips the rest of it, then still serves', async () => {
    const huge = rpc(10, 'tools/call', { name: 'read_graph', arguments: { padding: 'x'.repeat(2 * MIB) } });
    const answer = await server.exchange(huge);
    expect(answer).toMatchObject({ id: null, error: { code: -32600 } });
    expect(answer.error?.message).toMatch(/the line is over 1048576 bytes.*--max-message-bytes/);
    // The rest of the long line was skipped: the next answer is the valid request's, not a parse error.
    await expectStillServing(101);
  });

  it('reads lines split across writes and several lines in one write', async () => {
    const line = rpc(11, 'tools/list');
    server.child.stdin.write(line.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const split = await server.exchange(line.slice(10));
    expect(split.id).toBe(11);
    server.child.stdin.write(`{oops\n\n${rpc(12, 'tools/list')}\r\n`);
    const answers = [JSON.parse(await server.read()), JSON.parse(await server.read())] as Array<{ id: unknown; error?: { code: number } }>;
    // Two answers, the blank line ignored and the CRLF taken: the parse error's and the request's.
    expect(answers.find((a) => a.id === null)?.error?.code).toBe(-32700);
    expect(answers.find((a) => a.id === 12)).toMatchObject({ result: { tools: expect.any(Array) } });
  });

  it('is alive after all of that, and exits 0 when the client closes stdin', async () => {
    await expectStillServing(102);
    expect(server.stderr).toMatch(/serving over stdio \(lines up to 1048576 bytes\)/);
    expect(await server.end()).toBe(0);
  });

  it('takes --max-message-bytes: a smaller limit refuses a line the default takes', async () => {
    const small = new RawStdio(run.datasetDir, '--max-message-bytes', '2048');
    try {
      const answer = await small.exchange(rpc(1, 'tools/call', { name: 'search_nodes', arguments: { query: 'x'.repeat(4000) } }));
      expect(answer).toMatchObject({ id: null, error: { code: -32600 } });
      expect(answer.error?.message).toMatch(/over 2048 bytes/);
      const listed = await small.exchange(rpc(2, 'tools/list'));
      expect(listed.result?.tools).toHaveLength(run.input.tools.length);
    } finally {
      expect(await small.end()).toBe(0);
    }
  });
});
