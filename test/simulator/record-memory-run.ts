import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import type { DiscoveredTool, RecordedCall, SubDag } from '../../src/domain.js';
import { OfflinePlanner } from '../../src/explore/offline-planner.js';
import { probeSubDag } from '../../src/explore/probe.js';
import { runEpisode } from '../../src/explore/run-episode.js';
import { discoverTools } from '../../src/mcp/discover.js';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { prepareSandbox } from '../../src/mcp/sandbox.js';
import { openSession } from '../../src/mcp/session.js';
import { parseServerSpec, type ServerSpec } from '../../src/mcp/spec.js';
import type { SimulatorCacheInput } from '../../src/simulator/cache.js';
import { writeSimulatorCache } from '../../src/simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../../src/simulator/cache-tables.js';
import { simulatorInputFromStore } from '../../src/simulator/from-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

/** A chain of two tools, with the parameter ← field mapping the graph stage would give it. */
function chain(index: number, from: string, to: string, input: string, output: string): SubDag {
  return {
    index,
    key: `${from}>${to}#${index}`,
    tools: [from, to],
    edges: [{ from, to, confidence: 'high', mappings: [{ input, output, score: 1 }] }],
    shape: 'chain',
  };
}

/** Hand-written pairs over the memory server: writes feeding reads, reads feeding writes. */
const PAIRS: Array<[from: string, to: string, input: string, output: string]> = [
  ['create_entities', 'open_nodes', 'names[]', 'entities[].name'],
  ['search_nodes', 'add_observations', 'observations[].entityName', 'entities[].name'],
  ['read_graph', 'delete_entities', 'entityNames[]', 'entities[].name'],
  ['search_nodes', 'open_nodes', 'names[]', 'entities[].name'],
  ['create_entities', 'read_graph', 'unused', 'entities[].name'],
  ['open_nodes', 'delete_observations', 'deletions[].entityName', 'entities[].name'],
  ['create_relations', 'read_graph', 'unused', 'relations[].from'],
];
/**
 * Each pair explored three times: every episode plans with its own seed, so some calls recur
 * across episodes (in the same state or another) and others are new, as in a real run.
 */
const SUB_DAGS: SubDag[] = [0, 1, 2].flatMap((round) =>
  PAIRS.map(([from, to, input, output], i) => chain(round * PAIRS.length + i, from, to, input, output)),
);

export interface RecordedRun {
  root: string;
  runId: string;
  spec: ServerSpec;
  input: SimulatorCacheInput;
  /** A dataset directory holding simulator.sqlite, as the exporter writes it. */
  datasetDir: string;
  cleanup(): Promise<void>;
}

/**
 * Records a real run with the memory server, wired as activities/recorded-episode.ts wires it:
 * a sandbox per episode, a real server process, the offline planner, a SQLite store on a temp
 * file. The probe episode (-1) runs first, then the sub-DAGs above.
 */
export async function recordMemoryRun(): Promise<RecordedRun> {
  const root = await mkdtemp(join(tmpdir(), 'firefly-simulator-run-'));
  const store = new SqliteStore(join(root, 'firefly.sqlite'));
  const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', 'memory.json'), 'utf8')) as { server: unknown };
  const spec = parseServerSpec(example.server);
  const runId = `simulator-run-${process.pid}`;
  await store.saveRun({ runId, serverName: spec.name, spec: example.server as never, options: { seed: 1 }, planner: 'offline' });

  const context = { sandboxDir: '', projectRoot: PROJECT_ROOT, env: process.env };
  const discoverySandbox = await prepareSandbox(root, runId, 'discovery', { reuse: false });
  const discovery = await openSession(spec, { ...context, sandboxDir: discoverySandbox });
  let tools: DiscoveredTool[];
  try {
    tools = await discoverTools(discovery);
  } finally {
    await discovery.close();
  }
  await store.saveTools(runId, tools);

  const hints = {
    ...spec.argumentHints,
    name: ['Hedy Lamarr', 'Grace Hopper'],
    observations: [['Co-invented frequency hopping'], ['Wrote the first compiler']],
    contents: [['Worked in Hollywood'], ['Rear admiral in the US Navy']],
  };
  for (const subDag of [probeSubDag(tools), ...SUB_DAGS]) {
    await runEpisode(
      {
        runId,
        subDagIndex: subDag.index,
        subDag,
        tools: new Map(tools.map((t) => [t.name, t])),
        setup: spec.setup,
        hints,
        callTimeoutMs: spec.callTimeoutMs,
        seed: '1',
      },
      {
        store,
        planner: new OfflinePlanner(),
        openSession: async (resumed) => {
          const key = subDag.index < 0 ? 'probe' : `sub-dag-${subDag.index}`;
          const sandboxDir = await prepareSandbox(root, runId, key, { reuse: resumed });
          return { session: await openSession(spec, { ...context, sandboxDir }), sandboxDir };
        },
        resolveSetup: (args, field, sandboxDir) => resolveArguments(args, field, { ...context, sandboxDir }),
      },
    );
  }
  const input = await simulatorInputFromStore(store, runId);
  await store.close();
  const datasetDir = join(root, 'dataset');
  await mkdir(datasetDir);
  writeSimulatorCache(join(datasetDir, SIMULATOR_CACHE_FILE), input);
  return { root, runId, spec, input, datasetDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A recorded create_entities whose episode read the whole graph right after it (a create_entities → read_graph sub-DAG). */
export function writeFollowedByRead(run: RecordedRun): RecordedCall {
  const { calls } = run.input;
  const write = calls.find(
    (c) => c.tool === 'create_entities' && c.phase === 'explore' && !c.isError &&
      calls.some((next) => next.subDagIndex === c.subDagIndex && next.step === c.step + 1 && next.tool === 'read_graph'),
  );
  if (!write) throw new Error('the recorded run has no create_entities → read_graph episode: check SUB_DAGS');
  return write;
}
