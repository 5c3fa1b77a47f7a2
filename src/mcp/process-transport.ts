import { spawn, type ChildProcess } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { StdioLaunch } from './resolve.js';
import { TextTail } from './tail.js';

const STDERR_TAIL_CHARS = 4_000;
/** How long a server gets to exit by itself once its stdin closes, and then after SIGTERM. */
const EXIT_GRACE_MS = 500;
const TERM_GRACE_MS = 2_000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Process groups still running, killed if the worker exits without closing its sessions. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/**
 * MCP over a child's stdin/stdout, like the SDK's StdioClientTransport, with three things it lacks:
 * the child leads its own process group, so close() also ends the processes it started (wrappers
 * such as tsx or uvx run the real server as a grandchild); the exit code and signal are kept, so a
 * failed start can say how the server ended; and stderr, plus any stdout line that is not JSON-RPC,
 * is kept as a bounded tail for error messages.
 */
export class ProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly output = new TextTail(STDERR_TAIL_CHARS);
  exit: ProcessExit | undefined;
  private child: ChildProcess | undefined;
  private pending = '';
  private closed: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(private readonly launch: StdioLaunch) {}

  start(): Promise<void> {
    return new Promise((resolveStart, rejectStart) => {
      const child = spawn(this.launch.command, this.launch.args, {
        cwd: this.launch.cwd,
        env: this.launch.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      this.child = child;
      this.closed = new Promise((resolveClosed) => child.once('close', () => resolveClosed()));
      child.once('spawn', () => {
        if (child.pid !== undefined) liveGroups.add(child.pid);
        resolveStart();
      });
      child.once('error', (error) => {
        rejectStart(error);
        this.onerror?.(error);
      });
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
      });
      child.once('close', () => {
        if (child.pid !== undefined) {
          // Whatever the server started and left behind goes with it.
          killGroup(child.pid, 'SIGKILL');
          liveGroups.delete(child.pid);
        }
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.receive(chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.output.append(chunk));
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || !stdin.writable) throw new Error('the server process is not running');
    if (!stdin.write(serializeMessage(message))) await new Promise((resolveDrain) => stdin.once('drain', resolveDrain));
  }

  /** Ends the whole process group: stdin first, then SIGTERM, then SIGKILL. Safe to call again. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  /** Resolves true once the process has exited and its streams are drained, false after `ms`. */
  async waitForClose(ms: number): Promise<boolean> {
    if (!this.child) return true;
    return within(this.closed, ms);
  }

  private async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    child.stdin?.end();
    if (await within(this.closed, EXIT_GRACE_MS)) return;
    killGroup(child.pid, 'SIGTERM');
    if (await within(this.closed, TERM_GRACE_MS)) return;
    killGroup(child.pid, 'SIGKILL');
    await this.closed;
  }

  private receive(chunk: string): void {
    this.pending += chunk;
    for (let end = this.pending.indexOf('\n'); end >= 0; end = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, end).replace(/\r$/, '');
      this.pending = this.pending.slice(end + 1);
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch {
        // Servers that log to stdout break the protocol; what they said still explains failures.
        this.output.append(`[stdout] ${line}\n`);
        continue;
      }
      this.onmessage?.(message);
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolveWithin) => {
    const timer = setTimeout(() => resolveWithin(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolveWithin(true);
    });
  });
}
