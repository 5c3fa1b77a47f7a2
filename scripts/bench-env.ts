/**
 * `npm run bench:env [DATASET_DIR]`: `firefly serve-env` and the HTTP simulator under load, on
 * loopback, in one process. Prints JSON figures:
 * - 200 concurrent episodes (BENCH_ENV_EPISODES), each a task's reference trajectory over
 *   per-episode MCP (JSON-RPC over HTTP) and a submit: errors, rewards, call latency p50/p99,
 *   episodes per second;
 * - 5,000 episodes and 5,000 MCP sessions (BENCH_ENV_ABANDONED) opened and abandoned without
 *   ending them: heap per held episode/session, and the heap after idle expiry against the baseline.
 * DATASET_DIR defaults to the newest demo dataset under data/datasets (run `npm run demo` first).
 * Run with --expose-gc for the memory figures (the npm script does).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { loadEnvDataset } from '../src/env/env-dataset.js';
import { serveEnv } from '../src/env/ors-server.js';
import { serveHttp } from '../src/simulator/serve-http.js';
import { Simulator } from '../src/simulator/simulator.js';

const EPISODES = Number(process.env.BENCH_ENV_EPISODES ?? 200);
const ABANDONED = Number(process.env.BENCH_ENV_ABANDONED ?? 5_000);
// Long enough that no episode of the concurrent phase waits that long between its calls on a loaded machine.
const IDLE_MS = 15_000;
/** The abandoned phases hold every session until all are open (opening 5,000 MCP sessions takes a while), then wait for expiry. */
const ABANDON_IDLE_MS = 60_000;

function newestDemo(): string {
  const root = join(PROJECT_ROOT, 'data', 'datasets');
  const dirs = readdirSync(root).filter((d) => d.startsWith('demo-')).map((d) => join(root, d));
  if (dirs.length === 0) throw new Error(`no dataset under ${root}: run npm run demo first, or give a dataset directory`);
  return dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  const json = (response.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : {}) as Record<string, unknown>;
  return { status: response.status, json };
};
const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
};

async function main(): Promise<void> {
  const dir = process.argv[2] ?? newestDemo();
  const dataset = loadEnvDataset(dir);
  const simulator = new Simulator(dataset.cache);
  const env = await serveEnv(dataset, simulator, { idleMs: IDLE_MS, maxEpisodesPerClient: ABANDONED + EPISODES });
  const abandonedEnv = await serveEnv(dataset, simulator, { idleMs: ABANDON_IDLE_MS, maxEpisodesPerClient: ABANDONED + 1 });

  // Concurrent reference episodes over per-episode MCP.
  const latencies: number[] = [];
  let errors = 0;
  let rewarded = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: EPISODES }, async (_, i) => {
      const task = dataset.tasks[i % dataset.tasks.length]!;
      try {
        const created = await post(`${env.url}/episodes`, { task_id: task.id });
        const mcp = created.json.mcp_url as string;
        for (const [n, step] of task.trajectory.entries()) {
          const t0 = performance.now();
          const answer = await post(mcp, { jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: step.tool, arguments: step.arguments } });
          latencies.push(performance.now() - t0);
          const meta = (answer.json.result as { _meta?: Record<string, unknown> } | undefined)?._meta;
          if (answer.status !== 200 || meta?.['firefly/provenance'] !== 'exact') {
            errors++;
            if (process.env.BENCH_ENV_DEBUG) console.error(answer.status, JSON.stringify(answer.json).slice(0, 300));
          }
        }
        const row = Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value]));
        const verdict = await post(`${env.url}/episodes/${created.json.episode_id as string}/submit`, { answer: row });
        if (verdict.json.reward === 1) rewarded++;
        else errors++;
      } catch (error) {
        if (process.env.BENCH_ENV_DEBUG) console.error(error);
        errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  await env.close();

  // Abandoned episodes: opened, never ended.
  const envBaseline = heapMb();
  for (let i = 0; i < ABANDONED; i++) await post(`${abandonedEnv.url}/episodes`, { task_id: dataset.tasks[i % dataset.tasks.length]!.id });
  const envHeld = heapMb();
  const heldEpisodes = abandonedEnv.episodeCount();
  await until(() => abandonedEnv.episodeCount() === 0, ABANDON_IDLE_MS * 2);
  const envAfter = heapMb();
  const afterAbandonAccepted = (await post(`${abandonedEnv.url}/episodes`, { task_id: dataset.tasks[0]!.id })).status === 200;
  await abandonedEnv.close();

  // Abandoned MCP sessions of firefly simulate --http.
  const http = await serveHttp(simulator, { idleMs: ABANDON_IDLE_MS, maxSessionsPerClient: ABANDONED });
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };
  const httpBaseline = heapMb();
  for (let i = 0; i < ABANDONED; i++) await post(http.url, initialize);
  const httpHeld = heapMb();
  const heldSessions = http.sessionCount();
  await until(() => http.sessionCount() === 0, ABANDON_IDLE_MS * 2);
  const httpAfter = heapMb();
  const httpAccepted = (await post(http.url, initialize)).status === 200;
  await http.close();

  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  console.log(
    JSON.stringify(
      {
        dataset: dir,
        tasks: dataset.tasks.length,
        concurrentEpisodes: { episodes: EPISODES, calls: latencies.length, errors, rewarded, callP50Ms: round(percentile(latencies, 0.5)), callP99Ms: round(percentile(latencies, 0.99)), episodesPerSecond: round(EPISODES / seconds, 1), callsPerSecond: round(latencies.length / seconds, 1) },
        abandonedEpisodes: { opened: ABANDONED, held: heldEpisodes, heapBaselineMb: round(envBaseline), heapHeldMb: round(envHeld), kbPerEpisode: round(((envHeld - envBaseline) * 1024) / heldEpisodes), heapAfterExpiryMb: round(envAfter), acceptsNewAfter: afterAbandonAccepted },
        abandonedMcpSessions: { opened: ABANDONED, held: heldSessions, heapBaselineMb: round(httpBaseline), heapHeldMb: round(httpHeld), kbPerSession: round(((httpHeld - httpBaseline) * 1024) / heldSessions), heapAfterExpiryMb: round(httpAfter), acceptsNewAfter: httpAccepted },
        idleExpiryMs: { concurrent: IDLE_MS, abandoned: ABANDON_IDLE_MS },
        gc: typeof globalThis.gc === 'function',
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
