import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OnlineLlmConfig } from '../llm/config.js';
import { createLlmClient } from '../llm/create-client.js';
import { LlmResponseGenerator } from '../llm/stages/llm-response-generator.js';
import { readSimulatorCache } from '../simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../simulator/cache-tables.js';
import { CacheFileGeneratedMemo } from '../simulator/generated-memo-file.js';
import type { ResponseGenerator } from '../simulator/generation.js';
import { serveHttp } from '../simulator/serve-http.js';
import { serveStdio } from '../simulator/serve-stdio.js';
import { Simulator, type SimulatorOptions } from '../simulator/simulator.js';
import type { SimulateOptions } from './simulate-options.js';
import { UsageError } from './usage-error.js';

/** Where messages for people go: never stdout in stdio mode, which carries the protocol. */
const log = (line: string) => process.stderr.write(`firefly simulate: ${line}\n`);

/** The cache file of `--dataset`: DIR/simulator.sqlite, or the file itself when one is given. */
export function cachePath(dataset: string): string {
  const path = resolve(dataset);
  if (!existsSync(path)) {
    throw new UsageError(`--dataset ${dataset} does not exist: give the directory a dataset export wrote (it holds ${SIMULATOR_CACHE_FILE})`);
  }
  if (statSync(path).isFile()) return path;
  const file = join(path, SIMULATOR_CACHE_FILE);
  if (!existsSync(file)) {
    throw new UsageError(`--dataset ${dataset} has no ${SIMULATOR_CACHE_FILE}: give the directory a dataset export wrote, or export the run's dataset again`);
  }
  return file;
}

/** Loads the dataset's cache and serves it until the client leaves (stdio) or a signal arrives (HTTP). */
export async function runSimulate(options: SimulateOptions): Promise<void> {
  const file = cachePath(options.dataset);
  const started = performance.now();
  const cache = readSimulatorCache(file);
  const generation = options.generate ? generationOf(options.generate, file) : undefined;
  try {
    const simulator = new Simulator(cache, { policy: options.policy, retrievalThreshold: options.threshold, ...generation?.options });
    const what = `${cache.tools.length} tools of "${cache.server}", ${cache.entries.length} recorded calls`;
    log(`loaded ${what} from ${file} in ${Math.round(performance.now() - started)} ms`);
    if (generation) log(generation.describe());
    await serve(simulator, options);
  } finally {
    if (generation) {
      log(generation.summary());
      generation.close();
    }
  }
}

/**
 * --generate: the model of the `simulate` stage answers misses, and the cache file's `generated`
 * table remembers its answers (for this process and any later one serving the file).
 */
function generationOf(config: OnlineLlmConfig, file: string) {
  const memo = CacheFileGeneratedMemo.open(file);
  const model = new LlmResponseGenerator({
    client: createLlmClient(config, 'simulate')!,
    onReject: (request, reason) => void log(`no answer generated for ${request.tool.name}: ${reason}`),
  });
  let generated = 0;
  const generator: ResponseGenerator = {
    async generate(request) {
      const outcome = await model.generate(request);
      if (outcome.ok) {
        generated += 1;
        log(`generated an answer for ${request.tool.name} with ${outcome.model} from ${request.examples.length} recording(s)${outcome.isError ? ' (an error result)' : ''}`);
      }
      return outcome;
    },
  };
  const options: SimulatorOptions = { generator, memo };
  return {
    options,
    describe: () => `generating answers for misses with ${config.provider} model ${model.name}; ${memo.count()} generated answer(s) already stored in the cache file`,
    summary: () => {
      const total = model.ledger.total();
      return `generated ${generated} new answer(s) in ${total.calls} model request(s), ${total.inputTokens + total.cacheReadTokens + total.cacheWriteTokens} input and ${total.outputTokens} output tokens`;
    },
    close: () => memo.close(),
  };
}

async function serve(simulator: Simulator, options: SimulateOptions): Promise<void> {
  if (options.transport === 'stdio') {
    log(`serving over stdio (lines up to ${options.maxMessageBytes} bytes)`);
    await serveStdio(simulator, log, { maxMessageBytes: options.maxMessageBytes });
    return;
  }
  const serving = await serveHttp(simulator, {
    host: options.host,
    port: options.port,
    ...(options.token === undefined ? {} : { token: options.token }),
    maxMessageBytes: options.maxMessageBytes,
    idleMs: options.idleMs,
    maxSessionsPerClient: options.maxSessionsPerClient,
    log,
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${options.port} is in use on ${options.host}: give another port, or --port 0 to pick a free one`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host ${options.host} is not an address of this machine: give one it has, e.g. 127.0.0.1`);
    if (code === 'EACCES') throw new UsageError(`--port ${options.port} needs privileges on ${options.host}: give a port above 1023, or --port 0`);
    throw error;
  });
  const access = options.token === undefined ? 'no token (loopback only)' : 'a bearer token required on every request';
  log(`bound to ${options.host}, ${access}, request bodies up to ${options.maxMessageBytes} bytes`);
  // The one line on stdout: the endpoint, for people and for scripts that started us on port 0.
  process.stdout.write(`${serving.url}\n`);
  log(`serving over streamable HTTP at ${serving.url} (one episode per session); Ctrl-C stops`);
  await new Promise<void>((resolveStop) => {
    const stop = () => void serving.close().finally(resolveStop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
