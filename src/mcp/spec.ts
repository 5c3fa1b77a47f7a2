import type { JsonObject, JsonValue } from '../domain.js';
import { SpecError } from './errors.js';
import { parseCompositeSpec } from './composite-spec.js';
import { ALL_PLACEHOLDERS, ARGUMENT_PLACEHOLDERS, parseTemplate, type TemplatePart } from './placeholders.js';
import {
  describeValue,
  expectJson,
  expectObject,
  expectPositiveInteger,
  expectString,
  expectStringArray,
  expectStringRecord,
  forEachString,
  rejectUnknownKeys,
} from './spec-fields.js';

/**
 * The server spec: how to start or reach one MCP server, written as JSON by the person starting a
 * run. Strings keep their `${…}` placeholders here; resolve.ts fills them in at launch.
 */

export const TRANSPORTS = ['stdio', 'http'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export const SPEC_DEFAULTS = { callTimeoutMs: 30_000, startupTimeoutMs: 20_000 } as const;

/** A call made on every fresh server instance before exploration, to seed its state. */
export interface SetupCall {
  tool: string;
  arguments: JsonObject;
}

interface CommonSpec {
  /** Names the server's tools `name/tool`. */
  name: string;
  description?: string;
  setup: SetupCall[];
  /** Example values per parameter name that the offline planner may use. */
  argumentHints: Record<string, JsonValue[]>;
  callTimeoutMs: number;
  startupTimeoutMs: number;
  /** Tools never to call. */
  exclude: string[];
}

export interface StdioServerSpec extends CommonSpec {
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Defaults to the episode's sandbox, so relative paths a server writes stay inside it. */
  cwd?: string;
}

export interface HttpServerSpec extends CommonSpec {
  transport: 'http';
  url: string;
  headers: Record<string, string>;
}

/** Several servers run side by side as one (see composite-spec.ts); setup, hints and excludes are theirs, renamed. */
export interface CompositeServerSpec extends CommonSpec {
  transport: 'composite';
  servers: MemberServerSpec[];
  /** Members every explored edge must touch (all when absent): a fleet's servers added since its last composite. */
  focus?: string[];
}

/** A server that runs on its own. */
export type MemberServerSpec = StdioServerSpec | HttpServerSpec;

export type ServerSpec = MemberServerSpec | CompositeServerSpec;

/** Workflow inputs hold the spec under `server`, so field names start there. */
const ROOT = 'server';
const COMMON_KEYS = ['name', 'description', 'transport', 'setup', 'argumentHints', 'callTimeoutMs', 'startupTimeoutMs', 'exclude'];
const TRANSPORT_KEYS: Record<TransportName, readonly string[]> = { stdio: ['command', 'args', 'env', 'cwd'], http: ['url', 'headers'] };
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE = '{"name": "memory", "command": "node", "args": ["${bin:@modelcontextprotocol/server-memory}"]}';

/** Validates a server spec written as JSON and returns it with defaults filled in. */
export function parseServerSpec(input: unknown): ServerSpec {
  const raw = expectObject(input, ROOT, `give the server spec as an object, e.g. ${EXAMPLE}`);
  if (raw.transport === 'composite') return parseCompositeSpec(raw);
  rejectUnknownKeys(raw, [...COMMON_KEYS, ...TRANSPORT_KEYS.stdio, ...TRANSPORT_KEYS.http], ROOT);
  const transport = parseTransport(raw);
  for (const other of TRANSPORTS.filter((t) => t !== transport)) {
    for (const key of TRANSPORT_KEYS[other].filter((k) => raw[k] !== undefined)) {
      throw new SpecError(`${ROOT}.${key}`, `${ROOT}.${key} does not apply to transport "${transport}": remove it, or set transport to "${other}"`);
    }
  }
  const common = parseCommon(raw);
  return transport === 'stdio' ? { ...common, transport, ...parseStdio(raw) } : { ...common, transport, ...parseHttp(raw) };
}

function parseTransport(raw: Record<string, unknown>): TransportName {
  const given = raw.transport;
  if (given === undefined) {
    if (raw.command !== undefined && raw.url !== undefined) {
      throw new SpecError(`${ROOT}.transport`, `${ROOT} has both command and url: keep command to start a local server over stdio, or url to reach a streamable HTTP server`);
    }
    if (raw.command !== undefined) return 'stdio';
    if (raw.url !== undefined) return 'http';
    throw new SpecError(`${ROOT}.command`, `${ROOT}.command is missing: give the executable to start, e.g. "node" (or give url to reach a streamable HTTP server)`);
  }
  const known = TRANSPORTS.find((t) => t === given);
  if (!known) {
    throw new SpecError(`${ROOT}.transport`, `${ROOT}.transport is ${describeValue(given)}: use one of ${TRANSPORTS.map((t) => `"${t}"`).join(', ')} ("http" is streamable HTTP), or "composite" with servers`);
  }
  return known;
}

/** `server.name`, checked: it names the server's tools `<name>/<tool>`. */
export function parseServerName(value: unknown): string {
  const name = expectString(value, `${ROOT}.name`, 'give a short lowercase name such as "memory"; tools are named <name>/<tool>');
  if (!NAME.test(name)) {
    throw new SpecError(`${ROOT}.name`, `${ROOT}.name "${name}" is not usable in tool names: use 1-63 lowercase letters, digits, _ or -, starting with a letter or digit`);
  }
  return name;
}

function parseCommon(raw: Record<string, unknown>): CommonSpec {
  return {
    name: parseServerName(raw.name),
    ...(raw.description === undefined ? {} : { description: expectString(raw.description, `${ROOT}.description`, 'describe the server in a sentence, or remove the key') }),
    setup: raw.setup === undefined ? [] : parseSetup(raw.setup),
    argumentHints: raw.argumentHints === undefined ? {} : parseHints(raw.argumentHints),
    callTimeoutMs: parseTimeout(raw.callTimeoutMs, 'callTimeoutMs'),
    startupTimeoutMs: parseTimeout(raw.startupTimeoutMs, 'startupTimeoutMs'),
    exclude: raw.exclude === undefined ? [] : parseExclude(raw.exclude),
  };
}

function parseTimeout(value: unknown, key: keyof typeof SPEC_DEFAULTS): number {
  if (value === undefined) return SPEC_DEFAULTS[key];
  return expectPositiveInteger(value, `${ROOT}.${key}`, `give milliseconds, e.g. ${SPEC_DEFAULTS[key]} (the default)`);
}

function parseStdio(raw: Record<string, unknown>): Pick<StdioServerSpec, 'command' | 'args' | 'env' | 'cwd'> {
  const command = expectString(raw.command, `${ROOT}.command`, 'give the executable to start, e.g. "node"');
  if (command.includes('${')) {
    throw new SpecError(`${ROOT}.command`, `${ROOT}.command cannot hold placeholders: use command "node" and put the script in args, e.g. ["\${bin:<npm package>}"]`);
  }
  if (/(^|\/)npx$/.test(command)) {
    throw new SpecError(`${ROOT}.command`, `${ROOT}.command is npx, which may download packages at every episode: npm install the server, then use command "node" with args ["\${bin:<npm package>}"]`);
  }
  const args = raw.args === undefined ? [] : expectStringArray(raw.args, `${ROOT}.args`, 'give the arguments as strings, e.g. ["${bin:@modelcontextprotocol/server-filesystem}", "${sandbox}"]');
  args.forEach((arg, i) => checkTemplate(arg, `${ROOT}.args[${i}]`));
  const env = raw.env === undefined ? {} : expectStringRecord(raw.env, `${ROOT}.env`, 'give variables as strings, e.g. {"MEMORY_FILE_PATH": "${sandbox}/memory.jsonl"}');
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_NAME.test(key)) {
      throw new SpecError(`${ROOT}.env.${key}`, `${ROOT}.env has "${key}", which is not an environment variable name: use letters, digits and _`);
    }
    checkTemplate(value, `${ROOT}.env.${key}`);
  }
  if (raw.cwd === undefined) return { command, args, env };
  const cwd = expectString(raw.cwd, `${ROOT}.cwd`, 'give a directory, e.g. "${sandbox}", or remove the key (the sandbox is the default)');
  checkTemplate(cwd, `${ROOT}.cwd`);
  return { command, args, env, cwd };
}

function parseHttp(raw: Record<string, unknown>): Pick<HttpServerSpec, 'url' | 'headers'> {
  const url = expectString(raw.url, `${ROOT}.url`, 'give the streamable HTTP endpoint, e.g. "http://127.0.0.1:3001/mcp"');
  checkUrl(url, checkTemplate(url, `${ROOT}.url`));
  const headers = raw.headers === undefined ? {} : expectStringRecord(raw.headers, `${ROOT}.headers`, 'give headers as strings, e.g. {"Authorization": "Bearer ${env:API_TOKEN}"}');
  for (const [key, value] of Object.entries(headers)) checkTemplate(value, `${ROOT}.headers.${key}`);
  return { url, headers };
}

/** A URL that starts with a placeholder can only be checked once resolved (resolve.ts does). */
function checkUrl(url: string, parts: TemplatePart[]): void {
  const literal = typeof parts[0] === 'string' ? parts[0] : undefined;
  if (literal === undefined) return;
  const fix = 'give an absolute http:// or https:// URL, e.g. "http://127.0.0.1:3001/mcp"';
  if (parts.length > 1) {
    if (!/^https?:\/\/./i.test(literal)) throw new SpecError(`${ROOT}.url`, `${ROOT}.url "${url}" is not an http(s) URL: ${fix}`);
    return;
  }
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SpecError(`${ROOT}.url`, `${ROOT}.url "${url}" is not a URL: ${fix}`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new SpecError(`${ROOT}.url`, `${ROOT}.url "${url}" uses ${protocol}, not http or https: ${fix}`);
  }
}

function parseSetup(value: unknown): SetupCall[] {
  if (!Array.isArray(value)) {
    throw new SpecError(`${ROOT}.setup`, `${ROOT}.setup must be an array of calls, not ${describeValue(value)}: write e.g. [{"tool": "create_entities", "arguments": {…}}]`);
  }
  return value.map((entry, i) => {
    const field = `${ROOT}.setup[${i}]`;
    const call = expectObject(entry, field, 'write each call as {"tool": "<tool name>", "arguments": {…}}');
    rejectUnknownKeys(call, ['tool', 'arguments'], field);
    const tool = expectString(call.tool, `${field}.tool`, 'name the tool to call, e.g. "create_entities"');
    if (call.arguments === undefined) return { tool, arguments: {} };
    expectObject(call.arguments, `${field}.arguments`, 'give the arguments as an object keyed by parameter name, or remove the key');
    const args = expectJson(call.arguments, `${field}.arguments`) as JsonObject;
    forEachString(args, `${field}.arguments`, checkArgumentTemplate);
    return { tool, arguments: args };
  });
}

function parseHints(value: unknown): Record<string, JsonValue[]> {
  const object = expectObject(value, `${ROOT}.argumentHints`, 'map parameter names (or tool.parameter, for one tool only) to example values, e.g. {"path": ["${sandbox}/notes.txt"], "read_text_file.path": ["${sandbox}/todo.md"]}');
  const hints: Record<string, JsonValue[]> = {};
  for (const [name, examples] of Object.entries(object)) {
    const field = `${ROOT}.argumentHints.${name}`;
    if (!Array.isArray(examples) || examples.length === 0) {
      throw new SpecError(field, `${field} must be a non-empty array of example values, not ${describeValue(examples)}: write e.g. ["first example", "second example"]`);
    }
    const values = expectJson(examples, field) as JsonValue[];
    forEachString(values, field, checkArgumentTemplate);
    hints[name] = values;
  }
  return hints;
}

function parseExclude(value: unknown): string[] {
  const tools = expectStringArray(value, `${ROOT}.exclude`, 'list tool names, e.g. ["trigger-long-running-operation"]');
  tools.forEach((tool, i) => {
    if (tool.trim() === '') throw new SpecError(`${ROOT}.exclude[${i}]`, `${ROOT}.exclude[${i}] is empty: give a tool name or remove the entry`);
    if (tools.indexOf(tool) !== i) throw new SpecError(`${ROOT}.exclude[${i}]`, `${ROOT}.exclude[${i}] repeats "${tool}": remove the duplicate`);
  });
  return tools;
}

function checkTemplate(text: string, field: string): TemplatePart[] {
  return parseTemplate(text, field, ALL_PLACEHOLDERS);
}

function checkArgumentTemplate(text: string, field: string): void {
  parseTemplate(text, field, ARGUMENT_PLACEHOLDERS);
}
