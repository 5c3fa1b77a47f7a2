import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { checkMessage, DEFAULT_MAX_MESSAGE_BYTES, INVALID_REQUEST, parseError, tooLargeError, wireError, type WireError } from './jsonrpc-check.js';

export interface LineTransportOptions {
  /** The longest line read, in bytes (default 1 MiB); a longer one is answered -32600 and skipped. */
  maxMessageBytes?: number;
  /** Where problems that get no answer (a notification's bad params) are reported. */
  log?: (line: string) => void;
}

const NEWLINE = 0x0a;

/**
 * MCP over stdio, one JSON-RPC message per line, that answers every malformed line instead of
 * dropping it or closing: the SDK's StdioServerTransport only reports a line that is not JSON or
 * not a JSON-RPC message to `onerror` (the client waits forever), and closes the session when a
 * line outgrows its 10 MiB buffer. Here a line that is not JSON gets -32700, one that is not a
 * valid request -32600, a request with malformed params -32602, and a line over the limit -32600
 * as soon as it passes the limit; its rest is skipped up to the next newline. A batch (a JSON
 * array) is refused with -32600: MCP sends one message per line.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly maxBytes: number;
  private readonly log: (line: string) => void;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside a line that passed the limit: everything up to the next newline is dropped. */
  private skipping = false;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    options: LineTransportOptions = {},
  ) {
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onStreamError);
    // A client that closes its end of stdout makes writes fail with EPIPE: that ends the session, not the process.
    this.output.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    return this.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    // The error listeners stay: an EPIPE that arrives after the close must not become an uncaught error.
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.pending = [];
    this.pendingBytes = 0;
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start <= bytes.length && !this.closed) {
      const newline = bytes.indexOf(NEWLINE, start);
      this.take(bytes.subarray(start, newline === -1 ? bytes.length : newline));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  };

  private readonly onEnd = () => {
    // A last line without a newline is still a message.
    if (this.pendingBytes > 0 && !this.skipping) this.endLine();
    void this.close();
  };

  private readonly onStreamError = (error: Error) => {
    if (this.closed) return;
    this.onerror?.(error);
    void this.close();
  };

  private take(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    if (this.pendingBytes + part.length > this.maxBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      void this.write(tooLargeError(this.maxBytes, 'line'));
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    if (line.trim() === '') return;
    this.handle(line);
  }

  private handle(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      void this.write(parseError(`the line is not JSON (${error instanceof Error ? error.message : String(error)})`));
      return;
    }
    if (Array.isArray(value)) {
      void this.write(wireError(INVALID_REQUEST, 'Invalid Request: a batch (JSON array) is not accepted over stdio: send one JSON-RPC message per line'));
      return;
    }
    const checked = checkMessage(value);
    if ('problem' in checked) {
      if (checked.notification) this.log(`notification refused: ${checked.problem.error.message}`);
      else void this.write(checked.problem);
      return;
    }
    try {
      this.onmessage?.(checked.message);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private write(message: JSONRPCMessage | WireError): Promise<void> {
    if (this.closed || this.output.destroyed || this.output.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) return resolve();
      const done = () => {
        this.output.off('drain', done);
        this.output.off('close', done);
        resolve();
      };
      this.output.once('drain', done);
      this.output.once('close', done);
    });
  }
}
