import { performance } from 'node:perf_hooks';
import { ErrorCode, McpError, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallErrorKind, JsonObject, JsonValue, ToolAnnotations, ToolDefinition } from '../domain.js';
import { redactError } from '../secrets/redact-error.js';
import { specRedactor } from '../secrets/spec-secrets.js';
import { connect, type Connection } from './connect.js';
import { failsInResult } from './failure.js';
import { ProcessTransport } from './process-transport.js';
import { resolveLaunch } from './resolve.js';
import { openCompositeSession } from './composite-session.js';
import type { MemberServerSpec, ServerSpec } from './spec.js';
import { isPlainObject } from './spec-fields.js';

/** A tool as listed, with the one protocol detail discovery needs beyond the shared definition. */
export interface ListedTool extends ToolDefinition {
  /** "required" means plain tools/call is refused: the tool runs only as an MCP task. */
  taskSupport?: 'forbidden' | 'optional' | 'required';
}

export interface CallOutcome {
  /** The CallToolResult exactly as received, or `{ error: {…} }` when no result came back. */
  result: JsonValue;
  /** True whenever errorKind is set, including a failure the server reported inside a normal result. */
  isError: boolean;
  errorKind?: CallErrorKind;
  latencyMs: number;
}

export interface McpSession {
  readonly spec: ServerSpec;
  /** False once the connection or the server process is gone; calls then fail with 'transport'. */
  readonly alive: boolean;
  /** The end of what the server wrote to stderr (stdio servers only). */
  stderrTail(): string;
  listTools(): Promise<ListedTool[]>;
  call(tool: string, args: JsonObject, options?: { timeoutMs?: number }): Promise<CallOutcome>;
  /** Ends the server process and everything it started. Safe to call more than once. */
  close(): Promise<void>;
}

export interface SessionOptions {
  sandboxDir: string;
  projectRoot: string;
  /** Read by `${env:NAME}` placeholders; defaults to the worker's environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Starts (or reaches) the server of `spec` for one episode, bounded by its startupTimeoutMs. */
export async function openSession(spec: ServerSpec, options: SessionOptions): Promise<McpSession> {
  return spec.transport === 'composite' ? openCompositeSession(spec, options, openMemberSession) : openMemberSession(spec, options);
}

async function openMemberSession(spec: MemberServerSpec, options: SessionOptions): Promise<McpSession> {
  const env = options.env ?? process.env;
  const launch = resolveLaunch(spec, { sandboxDir: options.sandboxDir, projectRoot: options.projectRoot, env });
  try {
    return new LiveSession(spec, await connect(spec, launch));
  } catch (error) {
    // A server that fails may print its environment; the message and stderr tail end up in Temporal's history.
    throw redactError(error, specRedactor(spec, env));
  }
}

/** A server sending an endless cursor must not keep discovery busy forever. */
const MAX_TOOL_PAGES = 100;
const TAIL_IN_RESULT_CHARS = 1_000;
/** How long close() waits for an HTTP server to acknowledge the end of the session. */
const TERMINATE_MS = 1_000;

class LiveSession implements McpSession {
  private dead = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly spec: ServerSpec,
    private readonly connection: Connection,
  ) {
    connection.client.onclose = () => {
      this.dead = true;
    };
  }

  get alive(): boolean {
    return !this.dead;
  }

  stderrTail(): string {
    const { transport } = this.connection;
    return transport instanceof ProcessTransport ? transport.output.toString() : '';
  }

  async listTools(): Promise<ListedTool[]> {
    const tools: ListedTool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      // Parsed loosely on purpose: the SDK's strict schema would reject the whole list for one
      // malformed tool, and discovery should instead skip that tool and say why.
      const result = await this.connection.client.request(
        { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
        ResultSchema,
        { timeout: this.spec.callTimeoutMs },
      );
      if (Array.isArray(result.tools)) tools.push(...result.tools.map(toListedTool));
      cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
      if (cursor === undefined || seen.has(cursor)) break;
      seen.add(cursor);
    }
    return tools;
  }

  async call(tool: string, args: JsonObject, options: { timeoutMs?: number } = {}): Promise<CallOutcome> {
    const timeoutMs = options.timeoutMs ?? this.spec.callTimeoutMs;
    const started = performance.now();
    const outcome = (result: JsonValue, errorKind?: CallErrorKind): CallOutcome => ({
      result,
      isError: errorKind !== undefined,
      ...(errorKind ? { errorKind } : {}),
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    });
    if (this.dead) return outcome(this.lostResult('the session was closed or its server had already died'), 'transport');
    try {
      // client.request rather than client.callTool: callTool validates structuredContent against the
      // output schema and throws the result away when it does not match, and we record what came back.
      const raw = (await this.connection.client.request(
        { method: 'tools/call', params: { name: tool, arguments: args } },
        ResultSchema,
        { timeout: timeoutMs },
      )) as JsonObject;
      if (raw.isError === true) return outcome(raw, 'is-error');
      return outcome(raw, failsInResult(raw) ? 'failure-in-result' : undefined);
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        return outcome({ error: { code: error.code, message: `no reply within ${timeoutMs} ms` } }, 'timeout');
      }
      // The SDK reports a lost connection as an McpError too, after marking the client closed.
      if (error instanceof McpError && !this.dead) return outcome({ error: wireError(error) }, 'mcp-error');
      this.dead = true;
      return outcome(this.lostResult(error instanceof Error ? error.message : String(error)), 'transport');
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.dead = true;
    const { client, transport } = this.connection;
    if (!(transport instanceof ProcessTransport)) {
      // Lets the server free the session now rather than when it times out; failure is harmless.
      await Promise.race([transport.terminateSession().catch(() => undefined), new Promise((r) => setTimeout(r, TERMINATE_MS).unref())]);
    }
    await client.close();
    await transport.close();
  }

  /** What a call whose connection died records: the reason, and how the process ended if it did. */
  private lostResult(message: string): JsonObject {
    const { transport } = this.connection;
    const error: JsonObject = { message };
    if (transport instanceof ProcessTransport) {
      if (transport.exit) Object.assign(error, { exitCode: transport.exit.code, signal: transport.exit.signal });
      const tail = transport.output.toString().slice(-TAIL_IN_RESULT_CHARS);
      if (tail) error.stderr = tail;
    }
    return { error };
  }
}

/** The error as the server sent it: the SDK prefixes "MCP error <code>: " to the message. */
function wireError(error: McpError): JsonObject {
  const wire: JsonObject = { code: error.code, message: error.message.replace(/^MCP error -?\d+: /, '') };
  if (error.data !== undefined) wire.data = JSON.parse(JSON.stringify(error.data)) as JsonValue;
  return wire;
}

function toListedTool(raw: unknown): ListedTool {
  const tool = isPlainObject(raw) ? raw : {};
  const execution = isPlainObject(tool.execution) ? tool.execution : {};
  const taskSupport = execution.taskSupport;
  return {
    name: typeof tool.name === 'string' ? tool.name : '',
    description: typeof tool.description === 'string' ? tool.description : '',
    inputSchema: isPlainObject(tool.inputSchema) ? tool.inputSchema : {},
    ...(isPlainObject(tool.outputSchema) ? { outputSchema: tool.outputSchema } : {}),
    ...(isPlainObject(tool.annotations) ? { annotations: tool.annotations as ToolAnnotations } : {}),
    ...(taskSupport === 'forbidden' || taskSupport === 'optional' || taskSupport === 'required' ? { taskSupport } : {}),
  };
}
