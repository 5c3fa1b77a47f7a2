import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createSimulatorServer } from './mcp-server.js';
import type { Simulator } from './simulator.js';

export interface HttpOptions {
  /** Default 127.0.0.1: the simulator has no authentication, so it is not offered to the network unless asked. */
  host?: string;
  /** Default 0: the system picks a free port (read it from the returned url). */
  port?: number;
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
/** Sessions are episodes held in memory; past this many, new ones are refused until others end. */
const MAX_SESSIONS = 1_000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Serves the simulator over streamable HTTP: every session (an initialize request without a
 * session id) gets its own MCP server and so its own episode. Bound to a loopback address, it
 * also refuses requests whose Host header names another host (DNS rebinding).
 */
export async function serveHttp(simulator: Simulator, options: HttpOptions = {}): Promise<HttpServing> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== MCP_PATH) return reply(res, 404, null, `not found: the MCP endpoint is ${MCP_PATH}`);
    if (LOOPBACK.has(host) && !LOOPBACK.has(hostnameOf(req.headers.host))) {
      return reply(res, 403, null, `Host ${req.headers.host ?? '(none)'} refused: this simulator answers loopback hosts only`);
    }
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const transport = sessions.get(sessionId);
      if (!transport) return reply(res, 404, -32001, `session ${sessionId} not found (it ended or the simulator restarted): start a new session with initialize`);
      return transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return reply(res, 400, -32000, 'no mcp-session-id header: start a session with an initialize request (POST)');
    const body = await readJson(req);
    if ('problem' in body) return reply(res, 400, -32700, body.problem);
    if (!isInitializeRequest(body.json)) return reply(res, 400, -32000, 'no mcp-session-id header: the first request of a session must be initialize');
    if (sessions.size >= MAX_SESSIONS) return reply(res, 503, -32000, `${MAX_SESSIONS} sessions are open: end some (DELETE ${MCP_PATH}) before starting more`);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const server = createSimulatorServer(simulator, { onError: (error) => log(`protocol error: ${error.message}`) });
    await server.connect(transport);
    await transport.handleRequest(req, res, body.json);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, -32603, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${MCP_PATH}`,
    port,
    sessionCount: () => sessions.size,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return '';
  }
}

async function readJson(req: IncomingMessage): Promise<{ json: unknown } | { problem: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { problem: `the request body is over ${MAX_BODY_BYTES} bytes: send a smaller JSON-RPC message` };
    chunks.push(chunk);
  }
  try {
    return { json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { problem: 'the request body is not JSON: send a JSON-RPC message' };
  }
}

/** A plain HTTP answer; with a code, a JSON-RPC error body as the SDK's transport writes them. */
function reply(res: ServerResponse, status: number, code: number | null, message: string): void {
  res.writeHead(status, { 'content-type': code === null ? 'text/plain' : 'application/json' });
  res.end(code === null ? message : JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
