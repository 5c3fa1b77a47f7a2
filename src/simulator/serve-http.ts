import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { bearerChecker, isLoopbackHost, originProblem, TOKEN_ENV, tokenProblem } from './http-access.js';
import { checkMessage, DEFAULT_MAX_MESSAGE_BYTES, INVALID_PARAMS, INVALID_REQUEST, parseError, tooLargeError, wireError, type WireError } from './jsonrpc-check.js';
import { createSimulatorServer } from './mcp-server.js';
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS_PER_CLIENT, SessionTable } from './session-table.js';
import type { Simulator } from './simulator.js';

export interface HttpOptions {
  /**
   * Default 127.0.0.1, this machine only. Any address outside 127.0.0.0/8, ::1 and localhost
   * (0.0.0.0 included) needs a `token`: serveHttp refuses to start without one.
   */
  host?: string;
  /** Default 0: the system picks a free port (read it from the returned url). */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (on any host); others get 401. */
  token?: string;
  /** The largest request body read, in bytes (default 1 MiB); a larger one gets 413. */
  maxMessageBytes?: number;
  /** A session nobody used for this long ends, its episode freed (default 15 minutes). */
  idleMs?: number;
  /** Sessions one client (remote address) may hold at once (default 1,000); past it, 503 for that client only. */
  maxSessionsPerClient?: number;
  log?: (line: string) => void;
}

export interface HttpServing {
  /** The streamable HTTP endpoint, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  port: number;
  /** Sessions open now (each one an episode). */
  sessionCount(): number;
  close(): Promise<void>;
}

export const MCP_PATH = '/mcp';

/**
 * Serves the simulator over streamable HTTP: every session (an initialize request without a
 * session id) gets its own MCP server and so its own episode. Sessions end on DELETE, or after
 * `idleMs` unused; each client may hold `maxSessionsPerClient`. Bound to a loopback address, it
 * refuses requests whose Host header names another host, and on any address requests whose
 * Origin is another site's (DNS rebinding).
 *
 * Every POST body is read here, within the size limit (413 beyond it), and checked as JSON-RPC
 * before the SDK's transport sees it: the transport answers a valid JSON value that is not a
 * JSON-RPC message with -32700 and an empty batch with 202, where JSON-RPC asks for -32600; and
 * the SDK answers malformed params of initialize, ping or tools/list with -32603, where a client
 * deserves -32602 naming the field.
 */
export async function serveHttp(simulator: Simulator, options: HttpOptions = {}): Promise<HttpServing> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw new RangeError(`serveHttp: maxMessageBytes is ${maxBytes}: give a positive number of bytes`);
  const loopback = isLoopbackHost(host);
  if (options.token !== undefined) {
    const problem = tokenProblem(options.token, 'the token');
    if (problem) throw new Error(`serveHttp: ${problem}`);
  } else if (!loopback) {
    throw new Error(
      `serveHttp: host ${host} is not a loopback address and no token is set: anyone who reaches it could use the simulator. ` +
        `Give a bearer token (firefly simulate --token, or ${TOKEN_ENV}), or bind 127.0.0.1`,
    );
  }
  const authorized = options.token === undefined ? undefined : bearerChecker(options.token);
  const maxPerClient = options.maxSessionsPerClient ?? DEFAULT_MAX_SESSIONS_PER_CLIENT;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MINUTES * 60_000;
  const sessions = new SessionTable<StreamableHTTPServerTransport>({
    idleMs,
    maxPerClient,
    onEnd: (transport, why) => {
      if (why === 'expired') log(`session ${transport.sessionId} ended after ${Math.round(idleMs / 1000)} s unused`);
      void transport.close().catch(() => undefined);
    },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (authorized && !authorized(header(req, 'authorization'))) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="firefly-simulator"' });
      res.end('missing or wrong bearer token: send Authorization: Bearer <token>, the token the simulator was started with');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== MCP_PATH) return reply(res, 404, null, `not found: the MCP endpoint is ${MCP_PATH}`);
    if (loopback && !isLoopbackHost(hostnameOf(req.headers.host))) {
      return reply(res, 403, null, `Host ${req.headers.host ?? '(none)'} refused: this simulator answers loopback hosts only`);
    }
    const badOrigin = originProblem(header(req, 'origin'), req.headers.host);
    if (badOrigin) return reply(res, 403, -32000, badOrigin);
    const sessionId = header(req, 'mcp-session-id');
    const transport = sessionId === undefined ? undefined : sessions.use(sessionId);
    if (sessionId !== undefined && !transport) {
      return reply(res, 404, -32001, `session ${sessionId} not found (it ended or the simulator restarted): start a new session with initialize`);
    }
    if (req.method !== 'POST') {
      if (transport) return transport.handleRequest(req, res);
      return reply(res, 400, -32000, 'no mcp-session-id header: start a session with an initialize request (POST)');
    }
    const body = await readBody(req, maxBytes);
    if (body === 'too large') return replyJson(res, 413, tooLargeError(maxBytes, 'request body'));
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      return replyJson(res, 400, parseError(`the request body is not JSON (${error instanceof Error ? error.message : String(error)})`));
    }
    const refused = refusal(json);
    if (refused) return replyJson(res, refused.status, refused.body);
    if (transport) return transport.handleRequest(req, res, json);

    if (!isInitializeRequest(json)) return reply(res, 400, -32000, 'no mcp-session-id header: the first request of a session must be initialize');
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!sessions.hasRoomFor(client)) {
      return reply(res, 503, -32000, `this client holds ${maxPerClient} open sessions: end some (DELETE ${MCP_PATH}) or wait for idle ones to expire`);
    }
    const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.add(id, client, created);
      },
    });
    created.onclose = () => {
      if (created.sessionId) sessions.delete(created.sessionId);
    };
    const server = createSimulatorServer(simulator, { onError: (error) => log(`protocol error: ${error.message}`) });
    await server.connect(created);
    await created.handleRequest(req, res, json);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, -32603, 'internal error');
      else res.end();
    });
  });
  const { port, origin } = await listen(http, host, options.port ?? 0, log);
  return {
    url: `${origin}${MCP_PATH}`,
    port,
    sessionCount: () => sessions.size,
    async close() {
      const open = sessions.values();
      sessions.close();
      await Promise.all(open.map((t) => t.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Starts listening; the port (the system's pick for 0) and the origin to reach it at. */
export async function listen(http: Server, host: string, port: number, log: (line: string) => void): Promise<{ port: number; origin: string }> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (rare: e.g. too many open files) is logged; it must not end the process.
  http.on('error', (error) => log(`server error: ${error.message}`));
  const bound = (http.address() as AddressInfo).port;
  return { port: bound, origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

/**
 * What to answer instead of passing a parsed body on, or undefined to pass it on. A single message
 * with a problem gets that error: with HTTP 200 when it is a request's malformed params (an
 * ordinary JSON-RPC error response to that request, which a client reads as one), 400 otherwise.
 * A batch with any bad member is refused whole, with 400 and one error per bad member.
 */
export function refusal(json: unknown): { status: number; body: WireError | WireError[] } | undefined {
  if (!Array.isArray(json)) {
    const checked = checkMessage(json);
    if (!('problem' in checked)) return undefined;
    const { problem } = checked;
    return { status: problem.error.code === INVALID_PARAMS && problem.id !== null ? 200 : 400, body: problem };
  }
  if (json.length === 0) return { status: 400, body: wireError(INVALID_REQUEST, 'Invalid Request: the batch is empty: send at least one JSON-RPC message') };
  const problems = json.flatMap((member, index) => {
    const checked = checkMessage(member);
    if (!('problem' in checked)) return [];
    const { problem } = checked;
    return [{ ...problem, error: { ...problem.error, message: `batch member ${index}: ${problem.error.message} (nothing in this batch was processed)` } }];
  });
  return problems.length > 0 ? { status: 400, body: problems } : undefined;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return '';
  }
}

/**
 * The request body as text, or 'too large' as soon as it passes `maxBytes` (at once when
 * Content-Length says so). Reading stops there, without destroying the request, so the 413 still
 * reaches the client; Node discards the rest of the body.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | 'too large'> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The error and close listeners stay: once settled they do nothing, and an abort after that is no uncaught error.
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('the client closed the connection before the request body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A plain HTTP answer; with a code, a JSON-RPC error body as the SDK's transport writes them. */
export function reply(res: ServerResponse, status: number, code: number | null, message: string): void {
  if (code === null) {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(message);
    return;
  }
  replyJson(res, status, wireError(code, message));
}

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
