import { parseArgs } from 'node:util';
import { DEFAULT_RETRIEVAL_THRESHOLD } from '../simulator/simulator.js';
import { UsageError } from './usage-error.js';

export interface SimulateOptions {
  dataset: string;
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  threshold: number;
}

export const SIMULATE_USAGE = `usage: firefly simulate --dataset DIR [--http [--port N] [--host H]] [--threshold X]

Serves a dataset's simulator (DIR/simulator.sqlite) as an MCP server: over stdio by default,
or over streamable HTTP with --http (127.0.0.1, a free port unless --port is given).
  --dataset DIR    the dataset directory a run's export wrote (or the simulator.sqlite itself)
  --http           serve streamable HTTP instead of stdio; prints the endpoint URL
  --port N         HTTP port (default 0: pick a free one)
  --host H         HTTP address to bind (default 127.0.0.1)
  --threshold X    least argument similarity for a retrieved answer, 0..1 (default ${DEFAULT_RETRIEVAL_THRESHOLD})`;

const FLAGS = ['--dataset', '--http', '--port', '--host', '--threshold'];

/** Parses `simulate`'s flags; every problem is a UsageError that names the flag and the fix. */
export function parseSimulateOptions(argv: string[]): SimulateOptions {
  let values: { dataset?: string; http?: boolean; port?: string; host?: string; threshold?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { dataset: { type: 'string' }, http: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' }, threshold: { type: 'string' } },
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
  for (const flag of ['port', 'host'] as const) {
    if (!http && values[flag] !== undefined) throw new UsageError(`--${flag} applies to HTTP only: add --http, or remove --${flag} to serve over stdio`);
  }
  return {
    dataset: values.dataset,
    transport: http ? 'http' : 'stdio',
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 0 : parsePort(values.port),
    threshold: values.threshold === undefined ? DEFAULT_RETRIEVAL_THRESHOLD : parseThreshold(values.threshold),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port ${text} is not a port: give an integer from 0 to 65535 (0 picks a free one)`);
  return port;
}

function parseThreshold(text: string): number {
  const threshold = Number(text);
  if (text.trim() === '' || !(threshold >= 0 && threshold <= 1)) {
    throw new UsageError(`--threshold ${text} is not a similarity: give a number from 0 to 1, e.g. ${DEFAULT_RETRIEVAL_THRESHOLD}`);
  }
  return threshold;
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag ?? message}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${flag ?? message}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${flag?.split(' ')[0] ?? 'a flag'} needs a value`;
  return message;
}
