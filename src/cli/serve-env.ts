import { parseArgs } from 'node:util';
import { EnvDatasetError, environmentsOf, loadEnvDataset } from '../env/env-dataset.js';
import { serveEnv } from '../env/ors-server.js';
import { isLoopbackHost, TOKEN_ENV } from '../simulator/http-access.js';
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS_PER_CLIENT } from '../simulator/session-table.js';
import { DEFAULT_RETRIEVAL_THRESHOLD, Simulator, type AnswerPolicy } from '../simulator/simulator.js';
import { describeParseError, parseIdleMinutes, parsePolicy, parsePort, parseSessionLimit, parseThreshold, parseToken } from './simulate-options.js';
import { UsageError } from './usage-error.js';

export const SERVE_ENV_USAGE = `usage: firefly serve-env --dataset DIR [--port N] [--host H] [--token T] [--policy P] [--threshold X]
                         [--idle-minutes M] [--max-sessions-per-client N] [--environment NAME]

Serves a dataset (or fleet dataset) as an RL environment over HTTP: the Open Reward Standard
(splits, tasks, sessions, tool calls answered by the simulator, reward only from submit) and a
per-episode MCP endpoint, /episodes/{id}/mcp. Prints the base URL.
  --dataset DIR    the dataset directory (tasks.jsonl and simulator.sqlite)
  --port N, --host H, --token T
                   as for firefly simulate --http (default 127.0.0.1, a free port; token from \$${TOKEN_ENV})
  --policy P       strict (default) or lenient, as for firefly simulate
  --threshold X    lenient only (default ${DEFAULT_RETRIEVAL_THRESHOLD})
  --idle-minutes M an episode unused for M minutes ends (default ${DEFAULT_IDLE_MINUTES})
  --max-sessions-per-client N
                   episodes one client address may hold at once (default ${DEFAULT_MAX_SESSIONS_PER_CLIENT})
  --environment NAME
                   which environment the bare routes serve (default: the whole dataset). A fleet's
                   dataset has one per server set, each of one tool set, as adapters that bind
                   tools once per environment need; every one answers under /NAME/ too.`;

export interface ServeEnvOptions {
  dataset: string;
  host: string;
  port: number;
  token?: string;
  policy: AnswerPolicy;
  threshold: number;
  idleMs: number;
  maxSessionsPerClient: number;
  environment?: string;
}

export function parseServeEnvOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeEnvOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(['dataset', 'port', 'host', 'token', 'policy', 'threshold', 'idle-minutes', 'max-sessions-per-client', 'environment'].map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}\n\n${SERVE_ENV_USAGE}`);
  }
  if (values.dataset === undefined || values.dataset.trim() === '') throw new UsageError('--dataset is missing: give the dataset directory, e.g. firefly serve-env --dataset data/datasets/memory-1');
  const host = values.host ?? '127.0.0.1';
  const token = parseToken(values.token, env[TOKEN_ENV]);
  if (token === undefined && !isLoopbackHost(host)) throw new UsageError(`--host ${host} is not a loopback address: give --token T (or ${TOKEN_ENV}), or bind --host 127.0.0.1`);
  const policy = parsePolicy(values.policy);
  if (values.threshold !== undefined && policy !== 'lenient') throw new UsageError('--threshold applies to --policy lenient only: add --policy lenient, or remove --threshold');
  return {
    dataset: values.dataset,
    host,
    port: values.port === undefined ? 0 : parsePort(values.port),
    ...(token === undefined ? {} : { token }),
    policy,
    threshold: values.threshold === undefined ? DEFAULT_RETRIEVAL_THRESHOLD : parseThreshold(values.threshold),
    idleMs: parseIdleMinutes(values['idle-minutes']),
    maxSessionsPerClient: parseSessionLimit(values['max-sessions-per-client']),
    ...(values.environment === undefined ? {} : { environment: values.environment }),
  };
}

const log = (line: string) => process.stderr.write(`firefly serve-env: ${line}\n`);

export async function runServeEnv(options: ServeEnvOptions): Promise<void> {
  let dataset;
  try {
    dataset = loadEnvDataset(options.dataset);
  } catch (error) {
    if (error instanceof EnvDatasetError) throw new UsageError(`--dataset: ${error.message}`);
    throw error;
  }
  const simulator = new Simulator(dataset.cache, { policy: options.policy, retrievalThreshold: options.threshold });
  const environments = environmentsOf(dataset);
  const served = environments.find((e) => e.name === (options.environment ?? dataset.name));
  if (!served) throw new UsageError(`--environment ${options.environment}: this dataset's environments are ${environments.map((e) => e.name).join(', ')}`);
  const serving = await serveEnv(dataset, simulator, {
    host: options.host,
    port: options.port,
    ...(options.token === undefined ? {} : { token: options.token }),
    idleMs: options.idleMs,
    maxEpisodesPerClient: options.maxSessionsPerClient,
    environment: served.name,
    log,
  });
  const counts = (e: typeof served) => ['train', 'test'].map((split) => `${e.tasks.filter((t) => t.split === split).length} ${split}`).join(', ');
  log(`environment "${served.name}" (bare routes): ${counts(served)} task(s), policy ${options.policy}; Ctrl-C stops`);
  for (const other of environments.filter((e) => e !== served)) log(`environment "${other.name}" under /${other.name}/: ${counts(other)} task(s)`);
  process.stdout.write(`${serving.url}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => void serving.close().finally(resolveStop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
