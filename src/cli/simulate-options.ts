import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LlmConfigError, resolveLlmConfig, type OnlineLlmConfig } from '../llm/config.js';
import { isLoopbackHost, MIN_TOKEN_LENGTH, TOKEN_ENV, tokenProblem } from '../simulator/http-access.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../simulator/jsonrpc-check.js';
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS_PER_CLIENT } from '../simulator/session-table.js';
import { ANSWER_POLICIES, DEFAULT_RETRIEVAL_THRESHOLD, type AnswerPolicy } from '../simulator/simulator.js';
import { UsageError } from './usage-error.js';

export interface SimulateOptions {
  dataset: string;
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  threshold: number;
  /** What answers a call no recording matches exactly in the episode's state (simulator.ts). */
  policy: AnswerPolicy;
  /** HTTP only: the bearer token every request must carry (--token, else FIREFLY_SIMULATOR_TOKEN). */
  token?: string;
  /** The largest HTTP request body or stdio line, in bytes. */
  maxMessageBytes: number;
  /** HTTP only: a session unused this long ends (--idle-minutes). */
  idleMs: number;
  /** HTTP only: sessions one client may hold at once (--max-sessions-per-client). */
  maxSessionsPerClient: number;
  /** --generate: the model that answers misses (its `simulate` stage), generated answers stored in the cache file. */
  generate?: OnlineLlmConfig;
}

/** Bounds of --max-message-bytes: an initialize request fits in 1 KiB; 256 MiB is far past any recorded call. */
const MIN_MESSAGE_BYTES = 1024;
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export const SIMULATE_USAGE = `usage: firefly simulate --dataset DIR [--http [--port N] [--host H] [--token T] [--idle-minutes M] [--max-sessions-per-client N]]
                        [--policy P] [--threshold X] [--max-message-bytes N]
                        [--generate [--llm JSON|FILE]]

Serves a dataset's simulator (DIR/simulator.sqlite) as an MCP server: over stdio by default,
or over streamable HTTP with --http (127.0.0.1, a free port unless --port is given).
  --dataset DIR    the dataset directory a run's export wrote (or the simulator.sqlite itself)
  --http           serve streamable HTTP instead of stdio; prints the endpoint URL
  --port N         HTTP port (default 0: pick a free one)
  --host H         HTTP address to bind (default 127.0.0.1); an address other than loopback
                   (127.0.0.0/8, ::1, localhost) needs a token
  --token T        HTTP bearer token: every request must send Authorization: Bearer T, else 401
                   (default \$${TOKEN_ENV}, which keeps it out of the process list);
                   at least ${MIN_TOKEN_LENGTH} characters, e.g. $(openssl rand -hex 32)
  --idle-minutes M HTTP: a session (an episode) unused for M minutes ends and its state is freed
                   (default ${DEFAULT_IDLE_MINUTES})
  --max-sessions-per-client N
                   HTTP: sessions one client address may hold at once; past it that client gets
                   503 until it ends some or they expire (default ${DEFAULT_MAX_SESSIONS_PER_CLIENT})
  --policy P       strict (default): only a recording of the same call in the same episode state
                   answers, anything else is a no-data error; lenient: the nearest recording
                   answers when its similarity, divided by 1 + its state distance, reaches
                   --threshold (every answer's _meta says which, and how far)
  --threshold X    lenient only: least similarity for a retrieved answer, 0..1 (default ${DEFAULT_RETRIEVAL_THRESHOLD})
  --max-message-bytes N
                   largest HTTP request body (larger: 413) or stdio line (larger: a JSON-RPC
                   error), in bytes (default ${DEFAULT_MAX_MESSAGE_BYTES}, 1 MiB)
  --generate       answer a call no recording is close to with a model's answer based on the
                   nearest recordings (provenance generated), instead of a no-data error; each
                   is stored in the cache file (which must be writable) and given again for the
                   same call in the same state, by this process and any later one
  --llm JSON|FILE  the model for --generate, as a run's llm setting: JSON text or a file holding
                   it, e.g. '{"provider":"anthropic"}' (key from \$ANTHROPIC_API_KEY; the stage
                   "simulate" picks the model) or '{"provider":"openai-compatible",
                   "baseURL":"http://127.0.0.1:8000/v1","model":"qwen3:8b"}'
                   (default: Anthropic when \$ANTHROPIC_API_KEY is set)`;

const FLAGS = ['--dataset', '--http', '--port', '--host', '--token', '--idle-minutes', '--max-sessions-per-client', '--policy', '--threshold', '--max-message-bytes', '--generate', '--llm'];

/**
 * Parses `simulate`'s flags; every problem is a UsageError that names the flag and the fix.
 * `env` supplies FIREFLY_SIMULATOR_TOKEN when --token is not given.
 */
export function parseSimulateOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SimulateOptions {
  let values: {
    dataset?: string; http?: boolean; port?: string; host?: string; token?: string; 'idle-minutes'?: string; 'max-sessions-per-client'?: string; policy?: string; threshold?: string; 'max-message-bytes'?: string;
    generate?: boolean; llm?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        http: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'idle-minutes': { type: 'string' },
        'max-sessions-per-client': { type: 'string' },
        policy: { type: 'string' },
        threshold: { type: 'string' },
        'max-message-bytes': { type: 'string' },
        generate: { type: 'boolean' },
        llm: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}: firefly simulate takes ${FLAGS.join(', ')}\n\n${SIMULATE_USAGE}`);
  }
  if (values.dataset === undefined || values.dataset.trim() === '') {
    throw new UsageError(`--dataset is missing: give the dataset directory that holds simulator.sqlite, e.g. firefly simulate --dataset data/datasets/memory-1`);
  }
  const http = values.http === true;
  for (const flag of ['port', 'host', 'token', 'idle-minutes', 'max-sessions-per-client'] as const) {
    if (!http && values[flag] !== undefined) throw new UsageError(`--${flag} applies to HTTP only: add --http, or remove --${flag} to serve over stdio`);
  }
  const host = values.host ?? '127.0.0.1';
  const token = http ? parseToken(values.token, env[TOKEN_ENV]) : undefined;
  if (http && token === undefined && !isLoopbackHost(host)) {
    throw new UsageError(
      `--host ${host} is not a loopback address, so the simulator would answer other machines without authentication: ` +
        `give --token T or set ${TOKEN_ENV} (at least ${MIN_TOKEN_LENGTH} characters, e.g. ${TOKEN_ENV}=$(openssl rand -hex 32)), ` +
        `or bind this machine only with --host 127.0.0.1`,
    );
  }
  const policy = parsePolicy(values.policy);
  if (values.threshold !== undefined && policy !== 'lenient') {
    throw new UsageError('--threshold applies to --policy lenient only (strict answers only the same call in the same state): add --policy lenient, or remove --threshold');
  }
  if (values.llm !== undefined && values.generate !== true) throw new UsageError('--llm applies to --generate only: add --generate, or remove --llm');
  const generate = values.generate === true ? parseGenerate(values.llm, env) : undefined;
  return {
    dataset: values.dataset,
    transport: http ? 'http' : 'stdio',
    host,
    port: values.port === undefined ? 0 : parsePort(values.port),
    threshold: values.threshold === undefined ? DEFAULT_RETRIEVAL_THRESHOLD : parseThreshold(values.threshold),
    policy,
    idleMs: parseIdleMinutes(values['idle-minutes']),
    maxSessionsPerClient: parseSessionLimit(values['max-sessions-per-client']),
    ...(token === undefined ? {} : { token }),
    maxMessageBytes: values['max-message-bytes'] === undefined ? DEFAULT_MAX_MESSAGE_BYTES : parseMessageBytes(values['max-message-bytes']),
    ...(generate === undefined ? {} : { generate }),
  };
}

/** --llm as JSON text (it starts with `{`) or a file holding it, resolved as a run's llm setting is; it must name a model. */
function parseGenerate(llm: string | undefined, env: NodeJS.ProcessEnv): OnlineLlmConfig {
  let input: unknown;
  if (llm !== undefined) {
    const inline = llm.trimStart().startsWith('{');
    let text = llm;
    if (!inline) {
      try {
        text = readFileSync(llm, 'utf8');
      } catch (error) {
        throw new UsageError(`--llm ${llm} is neither JSON (it does not start with {) nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): give the settings as JSON, e.g. '{"provider":"anthropic"}', or the path of a file holding them`);
      }
    }
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--llm ${inline ? 'JSON' : `file ${llm}`} does not parse (${(error as Error).message}): write it as JSON, e.g. '{"provider":"anthropic"}'`);
    }
  }
  let config;
  try {
    config = resolveLlmConfig(input, env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(`--llm: ${error.message}`);
    throw error;
  }
  if (config.provider === 'offline') {
    throw new UsageError(
      `--generate needs a model, and ${llm === undefined ? 'without --llm the default is Anthropic, but ANTHROPIC_API_KEY is not set' : '--llm says provider offline'}: ` +
        `set ANTHROPIC_API_KEY, or give --llm '{"provider":"openai-compatible","baseURL":"http://127.0.0.1:8000/v1","model":"…"}'`,
    );
  }
  return config;
}

/** --token wins over the environment; an empty environment variable counts as unset. */
export function parseToken(flag: string | undefined, fromEnv: string | undefined): string | undefined {
  const [token, source] = flag !== undefined ? [flag, '--token'] : fromEnv ? [fromEnv, TOKEN_ENV] : [undefined, ''];
  if (token === undefined) return undefined;
  const problem = tokenProblem(token, source);
  if (problem) throw new UsageError(problem);
  return token;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port ${text} is not a port: give an integer from 0 to 65535 (0 picks a free one)`);
  return port;
}

/** --idle-minutes: minutes, fractions allowed (a test may want seconds), in milliseconds. */
export function parseIdleMinutes(text: string | undefined): number {
  if (text === undefined) return DEFAULT_IDLE_MINUTES * 60_000;
  const minutes = Number(text);
  if (text.trim() === '' || !(minutes > 0 && minutes <= 7 * 24 * 60)) {
    throw new UsageError(`--idle-minutes ${text} is not a duration: give minutes above 0 and at most a week, e.g. ${DEFAULT_IDLE_MINUTES} (fractions allowed: 0.5 is 30 s)`);
  }
  return Math.round(minutes * 60_000);
}

export function parseSessionLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_SESSIONS_PER_CLIENT;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > 1_000_000) {
    throw new UsageError(`--max-sessions-per-client ${text} is not a count: give a whole number from 1 to 1000000, e.g. ${DEFAULT_MAX_SESSIONS_PER_CLIENT}`);
  }
  return limit;
}

export function parsePolicy(text: string | undefined): AnswerPolicy {
  if (text === undefined) return 'strict';
  if (!(ANSWER_POLICIES as readonly string[]).includes(text)) throw new UsageError(`--policy ${text} is not a policy: give strict (the default) or lenient`);
  return text as AnswerPolicy;
}

export function parseThreshold(text: string): number {
  const threshold = Number(text);
  if (text.trim() === '' || !(threshold >= 0 && threshold <= 1)) {
    throw new UsageError(`--threshold ${text} is not a similarity: give a number from 0 to 1, e.g. ${DEFAULT_RETRIEVAL_THRESHOLD}`);
  }
  return threshold;
}

function parseMessageBytes(text: string): number {
  const bytes = Number(text);
  if (!/^\d+$/.test(text) || bytes < MIN_MESSAGE_BYTES || bytes > MAX_MESSAGE_BYTES) {
    throw new UsageError(
      `--max-message-bytes ${text} is not a size: give a whole number of bytes from ${MIN_MESSAGE_BYTES} to ${MAX_MESSAGE_BYTES}, e.g. ${DEFAULT_MAX_MESSAGE_BYTES} (1 MiB, the default)`,
    );
  }
  return bytes;
}

export function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag ?? message}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${flag ?? message}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${flag?.split(' ')[0] ?? 'a flag'} needs a value`;
  return message;
}
