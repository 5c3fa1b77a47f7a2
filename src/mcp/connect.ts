import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ServerLaunchError } from './errors.js';
import { ProcessTransport } from './process-transport.js';
import type { LaunchConfig } from './resolve.js';
import type { MemberServerSpec } from './spec.js';

export type McpTransport = ProcessTransport | StreamableHTTPClientTransport;

export interface Connection {
  client: Client;
  transport: McpTransport;
}

const CLIENT_INFO = { name: 'firefly', version: '0.1.0' };
/** After a failed handshake, how long a dying process gets to report its exit code. */
const EXIT_REPORT_MS = 1_000;

class StartupTimeout extends Error {}

/**
 * Starts or reaches the server and completes the MCP handshake within `spec.startupTimeoutMs`.
 * Any failure ends what was started and becomes a ServerLaunchError that says what happened.
 * The client declares no capabilities: servers then never call back (sampling, roots,
 * elicitation), which exploration could not answer anyway.
 */
export async function connect(spec: MemberServerSpec, launch: LaunchConfig): Promise<Connection> {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  if (launch.transport === 'stdio') {
    const transport = new ProcessTransport(launch);
    try {
      await handshake(client, transport, spec.startupTimeoutMs);
    } catch (error) {
      const failure = await stdioFailure(spec, launch.command, transport, error);
      await transport.close();
      throw failure;
    }
    return { client, transport };
  }
  const transport = new StreamableHTTPClientTransport(launch.url, { requestInit: { headers: launch.headers } });
  try {
    await handshake(client, transport, spec.startupTimeoutMs);
  } catch (error) {
    await transport.close();
    throw httpFailure(spec, launch.url, error);
  }
  return { client, transport };
}

async function handshake(client: Client, transport: McpTransport, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartupTimeout()), timeoutMs);
  });
  try {
    await Promise.race([client.connect(transport, { timeout: timeoutMs }), deadline]);
  } catch (error) {
    // The SDK's own timer on the initialize request may fire first; it is the same deadline.
    throw error instanceof McpError && error.code === ErrorCode.RequestTimeout ? new StartupTimeout() : error;
  } finally {
    clearTimeout(timer);
  }
}

async function stdioFailure(spec: MemberServerSpec, command: string, transport: ProcessTransport, error: unknown): Promise<ServerLaunchError> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    const problem = code === 'ENOENT' ? 'was not found on the worker\'s PATH' : 'is not executable';
    return new ServerLaunchError(
      'command-not-found',
      `server.command "${command}" ${problem}: install it, or fix server.command (servers from npm: "node" with args ["\${bin:<package>}"])`,
      false,
    );
  }
  if (error instanceof StartupTimeout) {
    return new ServerLaunchError(
      'startup-timeout',
      `server "${spec.name}" did not finish the MCP handshake within ${spec.startupTimeoutMs} ms: ` +
        `check that the command starts an MCP server on stdio, or raise server.startupTimeoutMs if it is just slow.${said(transport)}`,
      true,
      transport.output.toString(),
    );
  }
  // The handshake fails first when the process dies, so give the exit a moment to be reported.
  await transport.waitForClose(EXIT_REPORT_MS);
  const exit = transport.exit;
  if (exit) {
    const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return new ServerLaunchError(
      'exited',
      `server "${spec.name}" ${how} during start-up: run "${commandLine(spec)}" by hand to see why.${said(transport)}`,
      // A process that ends by itself at start-up does the same next time; a killed one may not.
      exit.code === null,
      transport.output.toString(),
      exit.code ?? undefined,
    );
  }
  return new ServerLaunchError(
    'connect-failed',
    `server "${spec.name}" started but the MCP handshake failed (${(error as Error).message}): check that it speaks MCP over stdio.${said(transport)}`,
    false,
    transport.output.toString(),
  );
}

function httpFailure(spec: MemberServerSpec, url: URL, error: unknown): ServerLaunchError {
  // Query and credentials stay out of messages: they may hold secrets from ${env:…}.
  const where = `${url.origin}${url.pathname}`;
  if (error instanceof StartupTimeout) {
    return new ServerLaunchError(
      'startup-timeout',
      `server "${spec.name}" at ${where} did not finish the MCP handshake within ${spec.startupTimeoutMs} ms: check that it is up, or raise server.startupTimeoutMs`,
      true,
    );
  }
  const status = error instanceof StreamableHTTPError ? error.code : error instanceof UnauthorizedError ? 401 : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    const fix = status === 401 || status === 403 ? 'check server.headers (e.g. "Authorization": "Bearer ${env:TOKEN}")' : 'check server.url (streamable HTTP endpoints are often at /mcp)';
    return new ServerLaunchError('connect-failed', `server "${spec.name}" at ${where} refused the connection with HTTP ${status}: ${fix}`, false);
  }
  return new ServerLaunchError(
    'connect-failed',
    `could not connect to server "${spec.name}" at ${where}: ${describeCause(error)}: check that the server is running and server.url is right`,
    true,
  );
}

/** fetch reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND, "bad port"…) in its cause. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : undefined;
  return cause ? `${error.message} (${cause})` : error.message;
}

function said(transport: ProcessTransport): string {
  const tail = transport.output.toString();
  return tail ? `\nIts output ended with:\n${tail}` : ' It wrote nothing to stderr.';
}

/** The command as the spec wrote it: placeholders unresolved, so no secret reaches a message. */
function commandLine(spec: MemberServerSpec): string {
  return spec.transport === 'stdio' ? [spec.command, ...spec.args].join(' ') : spec.url;
}
