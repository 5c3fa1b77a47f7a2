import {
  InitializeRequestSchema,
  JSONRPCErrorResponseSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** The JSON-RPC 2.0 error codes the simulator answers malformed input with. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

/** The largest HTTP request body or stdio line the simulator reads, unless told otherwise: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** A JSON-RPC error response as it goes on the wire; `id` is null when the request's id could not be read. */
export interface WireError {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: { code: number; message: string };
}

/**
 * One parsed JSON value checked as a JSON-RPC message, before the SDK sees it: either a message the
 * SDK will accept, or the problem to answer with. A problem with a notification (no id) is
 * `notification: true`: JSON-RPC never answers a valid notification, so its bad params are only
 * logged (stdio) or refused with an HTTP status (HTTP). A message that is not a valid request at
 * all is answered, with id null when its id could not be read.
 */
export type Checked = { message: JSONRPCMessage } | { problem: WireError; notification: boolean };

/** The requests whose params the SDK parses with a schema (and would answer -32603 for); tools/call checks its own. */
const PARAM_SCHEMAS = new Map<string, { safeParse(value: unknown): { success: boolean; error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } } }>([
  ['initialize', InitializeRequestSchema],
  ['ping', PingRequestSchema],
  ['tools/list', ListToolsRequestSchema],
]);
const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

export function wireError(code: number, message: string, id: RequestId | null = null): WireError {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** JSON text that is not JSON. */
export function parseError(detail: string): WireError {
  return wireError(PARSE_ERROR, `Parse error: ${detail}: send one JSON-RPC message as JSON`);
}

/** A message over the size limit; its id is never read. */
export function tooLargeError(maxBytes: number, what: string): WireError {
  return wireError(
    INVALID_REQUEST,
    `Invalid Request: the ${what} is over ${maxBytes} bytes, the simulator's limit (firefly simulate --max-message-bytes): send a smaller message`,
  );
}

export function checkMessage(value: unknown): Checked {
  if (!isPlainObject(value)) {
    return invalid(`a JSON-RPC message is an object, not ${describe(value)}: send {"jsonrpc":"2.0","id":1,"method":"tools/list"}`);
  }
  const hasId = 'id' in value;
  const id = validId(value.id);
  if (hasId && id === null) return invalid(`id is ${describe(value.id)}: give a string or an integer`);
  if (value.jsonrpc !== '2.0') return invalid(`jsonrpc is ${describe(value.jsonrpc)}: every message says "jsonrpc": "2.0"`, id);

  if (!('method' in value)) {
    if ('result' in value || 'error' in value) {
      const schema = 'result' in value ? JSONRPCResultResponseSchema : JSONRPCErrorResponseSchema;
      return schema.safeParse(value).success ? { message: value as JSONRPCMessage } : invalid('a response must have an id and either a result object or an error with a code and a message', id);
    }
    return invalid('no method: a request names the method it calls, e.g. "method": "tools/list"', id);
  }
  const { method, params } = value;
  const notification = !hasId;
  if (typeof method !== 'string' || method === '') return invalid(`method is ${describe(method)}: give the method's name, e.g. "tools/list"`, id);
  const extra = Object.keys(value).filter((key) => !REQUEST_KEYS.has(key));
  if (extra.length > 0) return invalid(`unexpected member${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}: a request has only jsonrpc, id, method and params`, id);
  if (params !== undefined && !isPlainObject(params)) {
    // JSON-RPC allows by-position params (an array); MCP names every parameter, so that is invalid params.
    if (Array.isArray(params)) return invalidParams(`${method} params is an array: MCP params are an object of named fields, e.g. {}`, id, notification);
    return invalid(`params is ${describe(params)}: give an object of named fields, or leave params out`, id);
  }
  const envelope = (notification ? JSONRPCNotificationSchema : JSONRPCRequestSchema).safeParse(value);
  if (!envelope.success) return invalidParams(`${method} ${issues(envelope.error.issues)}`, id, notification);
  const schema = notification ? undefined : PARAM_SCHEMAS.get(method);
  const parsed = schema?.safeParse(value);
  if (parsed && !parsed.success) return invalidParams(`${method} ${issues(parsed.error?.issues ?? [])}: see the MCP schema of ${method}`, id, notification);
  return { message: value as JSONRPCMessage };
}

function invalid(message: string, id: RequestId | null = null): Checked {
  // A message that is not a valid request is answered even without an id (JSON-RPC 2.0, section 5).
  return { problem: wireError(INVALID_REQUEST, `Invalid Request: ${message}`, id), notification: false };
}

function invalidParams(message: string, id: RequestId | null, notification: boolean): Checked {
  return { problem: wireError(INVALID_PARAMS, `Invalid params: ${message}`, id), notification };
}

function issues(list: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  if (list.length === 0) return 'params do not match the schema';
  return list
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || 'params'}: ${issue.message}`)
    .join('; ');
}

function validId(id: unknown): RequestId | null {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `an ${typeof value}`;
}
