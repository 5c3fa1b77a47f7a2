/**
 * A local HTTP server (127.0.0.1, a free port) that records every request it receives and answers
 * with whatever its handler decides. The provider fakes build on it; it knows no protocol itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string>;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
}

/** An answer: a status with a JSON (or, given a string, raw) body; or no answer at all. */
export type FakeReply = { status: number; headers?: Record<string, string>; body: unknown } | { hang: true };

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A reply, now or once computed (a script may need to await something to answer). */
export type Replying = FakeReply | Promise<FakeReply>;

export async function startRecordingServer(handle: (request: RecordedRequest) => Replying): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    void readBody(incoming).then((rawBody) => {
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: headersOf(incoming),
        body: parseJson(rawBody),
        rawBody,
      };
      requests.push(request);
      void replyTo(handle, request).then((reply) => answer(response, reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging requests and the clients' keep-alive sockets would hold the server open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A script that throws must fail its test loudly, not leave the client waiting for a reply. */
async function replyTo(handle: (request: RecordedRequest) => Replying, request: RecordedRequest): Promise<FakeReply> {
  try {
    return await handle(request);
  } catch (error) {
    return { status: 500, body: { error: { type: 'fake_server_error', message: `the fake server's script threw: ${String(error)}` } } };
  }
}

function answer(response: ServerResponse, reply: FakeReply): void {
  if ('hang' in reply) return;
  const raw = typeof reply.body === 'string';
  const text = raw ? (reply.body as string) : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': raw ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  response.end(text);
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function headersOf(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
