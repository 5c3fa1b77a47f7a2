/**
 * `npm run bench:simulator`: the replay simulator at dataset scale. Builds a synthetic run of
 * 100,000 recorded calls (six tools of an item tracker, stateful episodes: writes between reads),
 * writes it as a cache file, loads it back, and prints JSON figures: build, write and load time,
 * file size, exact-hit latency in process and over MCP stdio (a real `firefly simulate` process
 * answering sequential calls from the SDK client), miss (retrieval) latency, the simulator's own
 * cost of generated answers (a stand-in generator, then memo hits), and memory.
 * BENCH_SIM_CALLS and BENCH_SIM_MCP_CALLS change the load.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PROJECT_ROOT } from '../src/config.js';
import type { JsonObject, RecordedCall, ToolDefinition } from '../src/domain.js';
import { pick, seededRandom } from '../src/random.js';
import { SimulatorCache, type SimulatorCacheInput } from '../src/simulator/cache.js';
import type { CacheEntry } from '../src/simulator/cache-entry.js';
import { readSimulatorCache, writeSimulatorCache } from '../src/simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../src/simulator/cache-tables.js';
import type { ResponseGenerator } from '../src/simulator/generation.js';
import { Simulator } from '../src/simulator/simulator.js';
import { INITIAL_STATE } from '../src/simulator/state.js';

const TOTAL_CALLS = Number(process.env.BENCH_SIM_CALLS ?? 100_000);
const MCP_CALLS = Number(process.env.BENCH_SIM_MCP_CALLS ?? 2_000);
const IN_PROCESS_EPISODES = 2_000;
const MISSES = 200;

const object = (properties: JsonObject, required: string[] = []) => ({ type: 'object', properties, required });
const TOOLS: ToolDefinition[] = [
  { name: 'create_item', description: 'Create an item', inputSchema: object({ title: { type: 'string' }, tags: { type: 'array' }, priority: { type: 'integer' } }, ['title']), annotations: { readOnlyHint: false } },
  { name: 'update_item', description: 'Update an item', inputSchema: object({ id: { type: 'string' }, fields: { type: 'object' } }, ['id']), annotations: { readOnlyHint: false } },
  { name: 'delete_item', description: 'Delete an item', inputSchema: object({ id: { type: 'string' } }, ['id']), annotations: { readOnlyHint: false, destructiveHint: true } },
  { name: 'get_item', description: 'Get an item', inputSchema: object({ id: { type: 'string' } }, ['id']), annotations: { readOnlyHint: true } },
  { name: 'search_items', description: 'Search items', inputSchema: object({ query: { type: 'string' }, limit: { type: 'integer' } }, ['query']), annotations: { readOnlyHint: true } },
  { name: 'list_items', description: 'List items', inputSchema: object({ tag: { type: 'string' }, page: { type: 'integer' } }), annotations: { readOnlyHint: true } },
];
const WORDS = ['invoice', 'quarterly', 'report', 'design', 'review', 'deploy', 'backend', 'mobile', 'release', 'customer', 'billing', 'search', 'latency', 'migration', 'audit', 'roadmap'];
const SETUP = [{ tool: 'create_item', arguments: { title: 'Welcome item', tags: ['seed'], priority: 1 } }];

/** A run of TOTAL_CALLS calls: episodes of a setup call then 5-15 calls, reads opening each episode. */
function syntheticRun(): SimulatorCacheInput {
  const random = seededRandom(2026);
  const words = (n: number) => Array.from({ length: n }, () => pick(random, WORDS)!).join(' ');
  const itemId = () => `item-${Math.floor(random() * 5_000)}`;
  const item = (id: string) => ({ id, title: words(4), tags: [words(1), words(1)], priority: 1 + Math.floor(random() * 5), owner: `user-${Math.floor(random() * 300)}`, updatedAt: '2026-05-01T12:00:00Z' });
  const text = (value: unknown) => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });
  const argumentsFor = (tool: string): JsonObject => {
    switch (tool) {
      case 'create_item': return { title: words(3 + Math.floor(random() * 4)), tags: [words(1), words(1)], priority: 1 + Math.floor(random() * 5) };
      case 'update_item': return { id: itemId(), fields: { title: words(4), priority: 1 + Math.floor(random() * 5) } };
      case 'delete_item': case 'get_item': return { id: itemId() };
      case 'search_items': return { query: words(1 + Math.floor(random() * 3)), limit: pick(random, [5, 10, 20])! };
      default: return { tag: words(1), page: Math.floor(random() * 5) };
    }
  };
  const resultFor = (tool: string, args: JsonObject) => {
    if (tool === 'search_items' || tool === 'list_items') return text({ items: Array.from({ length: 3 }, () => item(itemId())), total: Math.floor(random() * 100) });
    if (tool === 'delete_item') return text({ deleted: args.id });
    return text(item(typeof args.id === 'string' ? args.id : itemId()));
  };
  // A server is mostly deterministic: the same call fails every time (here: ids ending in 7).
  const fails = (args: JsonObject) => typeof args.id === 'string' && args.id.endsWith('7');
  const calls: RecordedCall[] = [];
  for (let episode = -1; calls.length < TOTAL_CALLS; episode++) {
    const record = (step: number, tool: string, args: JsonObject, phase: RecordedCall['phase']) =>
      calls.push({ runId: 'bench', subDagIndex: episode, step, phase, tool, arguments: args, result: resultFor(tool, args), isError: fails(args), latencyMs: 3, links: [], planner: 'offline' });
    SETUP.forEach((call, step) => record(step, call.tool, call.arguments, 'setup'));
    const length = 5 + Math.floor(random() * 11);
    for (let step = SETUP.length; step < SETUP.length + length && calls.length < TOTAL_CALLS; step++) {
      // Reads open every episode (so that many calls share the post-setup state), writes follow.
      const tool = step <= SETUP.length + 1 ? pick(random, ['get_item', 'search_items', 'list_items'])! : pick(random, TOOLS)!.name;
      record(step, tool, argumentsFor(tool), 'explore');
    }
  }
  return { server: 'tracker', tools: TOOLS, setup: SETUP, calls };
}

function percentiles(samplesMs: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (ms: number) => Math.round(ms * 1000 * 10) / 10; // µs, one decimal
  return { p50: round(at(0.5)), p99: round(at(0.99)), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

const time = <T>(work: () => T): [T, number] => {
  const started = performance.now();
  const value = work();
  return [value, Math.round(performance.now() - started)];
};

function rssMb(pid: number | null | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'firefly-bench-simulator-'));
  try {
    const [input, generateMs] = time(syntheticRun);
    const [built, buildMs] = time(() => SimulatorCache.fromRecording(input));
    const file = join(dir, SIMULATOR_CACHE_FILE);
    const [, writeMs] = time(() => writeSimulatorCache(file, built));
    const [cache, loadMs] = time(() => readSimulatorCache(file));
    const simulator = new Simulator(cache);

    // In process: whole episodes replayed from the empty state, so every call is an exact hit.
    const episodes = new Map<number, CacheEntry[]>();
    for (const entry of cache.entries) episodes.set(entry.source.subDagIndex, [...(episodes.get(entry.source.subDagIndex) ?? []), entry]);
    const exactSamples: number[] = [];
    let notExact = 0;
    for (const episode of [...episodes.values()].slice(0, IN_PROCESS_EPISODES)) {
      const replay = simulator.startEpisode({ state: INITIAL_STATE });
      for (const entry of episode) {
        const args = entry.args;
        const started = performance.now();
        const answer = await replay.call(entry.tool, args);
        exactSamples.push(performance.now() - started);
        if (answer.provenance !== 'exact') notExact++;
      }
    }
    // Misses: a recorded call with one argument changed (another limit, another title), answered
    // by retrieval over every recording of the tool.
    const random = seededRandom(7);
    const missSamples: number[] = [];
    const missProvenance: Record<string, number> = {};
    const editable = cache.entries.filter((e) => e.tool === 'search_items' || e.tool === 'update_item');
    const miss = (entry: CacheEntry, i: number) => {
      const args = entry.args;
      if (entry.tool === 'search_items') args.limit = 7;
      else args.fields = { ...(args.fields as JsonObject), title: `changed title ${i}` };
      return args;
    };
    // A tool's first miss flattens all its recordings for comparison (lazily, so loading stays fast): timed apart.
    const firstMissMs: Record<string, number> = {};
    for (const tool of ['search_items', 'update_item']) {
      const entry = editable.find((e) => e.tool === tool)!;
      const [answer, ms] = time(() => simulator.startEpisode({ state: entry.state }).call(tool, miss(entry, -1)));
      await answer;
      firstMissMs[tool] = ms;
    }
    for (let i = 0; i < MISSES; i++) {
      const entry = pick(random, editable)!;
      const args = miss(entry, i);
      const started = performance.now();
      const answer = await simulator.startEpisode({ state: entry.state }).call(entry.tool, args);
      missSamples.push(performance.now() - started);
      missProvenance[answer.provenance] = (missProvenance[answer.provenance] ?? 0) + 1;
    }
    // Generated answers, with a stand-in generator (the nearest example's result, no model) so that
    // the figures are the simulator's own cost: ranking the examples, then the in-memory memo.
    // Threshold 1: every miss goes to the generator. Exact hits with a generator configured stay on the fast path.
    const standIn: ResponseGenerator = {
      generate: async (request) => ({ ok: true, result: request.examples[0]!.result as JsonObject, isError: request.examples[0]!.isError, model: 'bench-stand-in' }),
    };
    const generating = new Simulator(cache, { generator: standIn, retrievalThreshold: 1 });
    const generatedSamples: number[] = [];
    const memoSamples: number[] = [];
    const generatedProvenance: Record<string, number> = {};
    const asked = Array.from({ length: MISSES }, (_, i) => {
      const entry = pick(random, editable)!;
      return { entry, args: miss(entry, i) };
    });
    for (const samples of [generatedSamples, memoSamples]) {
      for (const { entry, args } of asked) {
        const started = performance.now();
        const answer = await generating.startEpisode({ state: entry.state }).call(entry.tool, args);
        samples.push(performance.now() - started);
        if (samples === generatedSamples) generatedProvenance[answer.provenance] = (generatedProvenance[answer.provenance] ?? 0) + 1;
      }
    }
    const exactWithGenerator: number[] = [];
    for (const episode of [...episodes.values()].slice(0, IN_PROCESS_EPISODES / 10)) {
      const replay = generating.startEpisode({ state: INITIAL_STATE });
      for (const entry of episode) {
        const args = entry.args;
        const started = performance.now();
        await replay.call(entry.tool, args);
        exactWithGenerator.push(performance.now() - started);
      }
    }
    const inProcessRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);

    // Over MCP stdio: a real `firefly simulate` process; read-only calls recorded in the post-setup
    // state stay exact hits within one session, since they do not move the episode.
    const fresh = cache.entries.filter((e) => e.state === cache.initialState && e.phase === 'explore' && cache.tool(e.tool)?.annotations?.readOnlyHint === true);
    const mcpCalls = Array.from({ length: MCP_CALLS }, (_, i) => fresh[i % fresh.length]!);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'firefly.ts'), 'simulate', '--dataset', dir],
      cwd: PROJECT_ROOT,
      stderr: 'ignore',
    });
    const client = new Client({ name: 'bench-simulator', version: '1' });
    const connectStarted = performance.now();
    await client.connect(transport);
    await client.listTools();
    const startupMs = Math.round(performance.now() - connectStarted);
    const mcpSamples: number[] = [];
    let mcpNotExact = 0;
    const mcpStarted = performance.now();
    for (const entry of mcpCalls) {
      const args = entry.args;
      const started = performance.now();
      const result = await client.callTool({ name: entry.tool, arguments: args });
      mcpSamples.push(performance.now() - started);
      if (result._meta?.['firefly/provenance'] !== 'exact') mcpNotExact++;
    }
    const mcpSeconds = (performance.now() - mcpStarted) / 1000;
    const serverRssMb = rssMb(transport.pid);
    await client.close();

    const figures = {
      calls: cache.entries.length,
      episodes: episodes.size,
      tools: cache.tools.length,
      generateMs,
      buildMs,
      writeMs,
      loadMs,
      fileBytes: statSync(file).size,
      inProcess: { exactHits: exactSamples.length, notExact, latencyMicros: percentiles(exactSamples), rssMb: inProcessRssMb },
      retrievalMiss: { calls: MISSES, provenance: missProvenance, latencyMicros: percentiles(missSamples), firstMissPerToolMs: firstMissMs },
      generatedMiss: {
        calls: MISSES,
        provenance: generatedProvenance,
        standInGeneratorLatencyMicros: percentiles(generatedSamples),
        memoHitLatencyMicros: percentiles(memoSamples),
        exactHitWithGeneratorLatencyMicros: percentiles(exactWithGenerator),
      },
      mcpStdio: {
        exactHits: mcpSamples.length,
        notExact: mcpNotExact,
        startupMsIncludingCacheLoad: startupMs,
        latencyMicros: percentiles(mcpSamples),
        callsPerSecond: Math.round(mcpSamples.length / mcpSeconds),
        serverRssMb,
      },
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
