import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JsonObject, JsonValue, RecordedCall, SubDag, ToolDefinition } from '../../src/domain.js';
import { OfflinePlanner } from '../../src/explore/offline-planner.js';
import {
  runEpisode,
  SessionLostError,
  type EpisodeCheckpoint,
  type EpisodeDeps,
  type EpisodePlan,
  type EpisodeSession,
} from '../../src/explore/run-episode.js';
import { outputValue } from '../../src/mcp/output.js';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { prepareSandbox } from '../../src/mcp/sandbox.js';
import { openSession } from '../../src/mcp/session.js';
import { parseServerSpec, type ServerSpec } from '../../src/mcp/spec.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { FIXTURE_TOOLS, fixtureSpec, processExists } from '../mcp/helpers.js';
import { memoryTools } from '../unit/graph/fixtures/memory-server.js';

/** create_entities → open_nodes, with the mapping the graph stage finds between them. */
const createThenOpen: SubDag = {
  index: 0,
  key: 'create_entities>open_nodes',
  tools: ['create_entities', 'open_nodes'],
  edges: [
    {
      from: 'create_entities',
      to: 'open_nodes',
      confidence: 'high',
      mappings: [{ input: 'names[]', output: 'entities[].name', score: 1 }],
    },
  ],
  shape: 'chain',
};

/** The entity the episode creates, and an observation naming a file in its sandbox. */
const NEW_ENTITY = 'Hedy Lamarr';
const OBSERVATION = 'Patent notes kept in ${sandbox}/patent.txt';

/** Thrown by a test to stand for a worker dying between two steps. */
class WorkerCrash extends Error {
  override readonly name = 'WorkerCrash';
}

interface Opened {
  resumed: boolean;
  sandboxDir: string;
}

/**
 * Everything one episode needs, wired as the activity wires it (real server, real sandbox, real
 * store); `wrap` lets a test interfere with the live session, `onRecorded` with the checkpoints.
 */
function episodeDeps(
  context: { store: SqliteStore; root: string; spec: ServerSpec; runId: string; episodeKey?: string },
  options: { wrap?: (session: EpisodeSession) => EpisodeSession; onRecorded?: (checkpoint: EpisodeCheckpoint) => void } = {},
) {
  const opened: Opened[] = [];
  const checkpoints: number[] = [];
  const deps: EpisodeDeps = {
    store: context.store,
    planner: new OfflinePlanner(),
    openSession: async (resumed) => {
      const sandboxDir = await prepareSandbox(context.root, context.runId, context.episodeKey ?? 'sub-dag-0', { reuse: resumed });
      const session = await openSession(context.spec, { sandboxDir, projectRoot: PROJECT_ROOT });
      opened.push({ resumed, sandboxDir });
      return { session: options.wrap ? options.wrap(session) : session, sandboxDir };
    },
    resolveSetup: (args, field, sandboxDir) => resolveArguments(args, field, { sandboxDir, projectRoot: PROJECT_ROOT, env: process.env }),
    onRecorded: (checkpoint) => {
      checkpoints.push(checkpoint.nextStep);
      options.onRecorded?.(checkpoint);
    },
  };
  return { deps, opened, checkpoints };
}

function outputOf(call: RecordedCall | undefined): JsonObject {
  return outputValue(call?.result ?? null) as JsonObject;
}

function entityNames(call: RecordedCall | undefined): JsonValue[] {
  return ((outputOf(call).entities ?? []) as JsonObject[]).map((e) => e.name ?? null);
}

describe('runEpisode on the real memory server', () => {
  let root: string;
  let store: SqliteStore;
  let spec: ServerSpec;
  let runId: string;
  let plan: EpisodePlan;
  let runCount = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-episode-test-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
    const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', 'memory.json'), 'utf8')) as { server: unknown };
    spec = parseServerSpec(example.server);
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    runId = `episode-run-${++runCount}`;
    plan = {
      runId,
      subDagIndex: 0,
      subDag: createThenOpen,
      tools: new Map(memoryTools.map((t) => [t.name, t])),
      setup: spec.setup,
      // The example's hints, plus a name and an observation for the entity the episode creates.
      hints: { ...spec.argumentHints, name: [NEW_ENTITY], observations: [[OBSERVATION]] },
      callTimeoutMs: spec.callTimeoutMs,
      seed: runId,
    };
  });

  it('records every step, setup first, with its phase, planner, latency and links', async () => {
    const { deps, opened, checkpoints } = episodeDeps({ store, root, spec, runId });
    const summary = await runEpisode(plan, deps);

    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => [c.step, c.phase, c.tool, c.planner])).toEqual([
      [0, 'setup', 'create_entities', 'setup'],
      [1, 'setup', 'create_relations', 'setup'],
      [2, 'explore', 'create_entities', 'offline'],
      [3, 'explore', 'open_nodes', 'offline'],
    ]);
    for (const call of calls) {
      expect(call.isError).toBe(false);
      expect(call.latencyMs).toBeGreaterThan(0);
    }
    expect(calls.slice(0, 3).map((c) => c.links)).toEqual([[], [], []]);
    expect(calls[0]!.arguments).toEqual(spec.setup[0]!.arguments);
    expect(summary).toEqual({ calls: 2, errors: 0, linkedCalls: 1 });
    expect(checkpoints).toEqual([1, 2, 3, 4]);
    expect(opened).toEqual([{ resumed: false, sandboxDir: expect.any(String) }]);
  });

  it('feeds open_nodes the names create_entities returned, and the link says where they came from', async () => {
    const { deps } = episodeDeps({ store, root, spec, runId });
    await runEpisode(plan, deps);
    const [, , create, open] = await store.listCalls(runId, 0);

    expect(entityNames(create)).toEqual([NEW_ENTITY]);
    // The example's hint for `names` loses to the mapping.
    expect(open!.arguments).toEqual({ names: [NEW_ENTITY] });
    expect(open!.links).toEqual([{ argument: 'names[0]', fromStep: 2, outputPath: 'entities[0].name', value: NEW_ENTITY }]);
    expect(entityNames(open)).toEqual([NEW_ENTITY]);
  });

  it('records arguments and results with ${sandbox}, while the server saw the real path', async () => {
    const { deps, opened } = episodeDeps({ store, root, spec, runId });
    await runEpisode(plan, deps);
    const calls = await store.listCalls(runId, 0);
    const sandboxDir = opened[0]!.sandboxDir;

    const created = (calls[2]!.arguments.entities as JsonObject[])[0]!;
    expect(created.observations).toEqual([OBSERVATION]);
    expect(JSON.stringify(calls[2]!.result)).toContain('${sandbox}/patent.txt');
    expect(JSON.stringify(calls[3]!.result)).toContain('${sandbox}/patent.txt');
    expect(JSON.stringify(calls)).not.toContain(sandboxDir);
    expect(JSON.stringify(calls)).not.toContain(root);
    // The server stored what it was sent: the placeholder resolved to this episode's sandbox.
    expect(await readFile(join(sandboxDir, 'memory.jsonl'), 'utf8')).toContain(`${sandboxDir}/patent.txt`);
  });

  it('resumes after a worker crash between steps, on the same sandbox, recording no step twice', async () => {
    const crashing = episodeDeps({ store, root, spec, runId }, {
      onRecorded: ({ nextStep }) => {
        if (nextStep === 3) throw new WorkerCrash('worker died after recording step 2');
      },
    });
    await expect(runEpisode(plan, crashing.deps)).rejects.toBeInstanceOf(WorkerCrash);
    expect((await store.listCalls(runId, 0)).map((c) => c.step)).toEqual([0, 1, 2]);

    const retry = episodeDeps({ store, root, spec, runId });
    const summary = await runEpisode(plan, retry.deps);

    expect(retry.opened).toEqual([{ resumed: true, sandboxDir: crashing.opened[0]!.sandboxDir }]);
    expect(retry.checkpoints).toEqual([4]);
    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => c.step)).toEqual([0, 1, 2, 3]);
    // The entity the first attempt created is still there for the second attempt to open.
    expect(calls[3]!.links).toEqual([{ argument: 'names[0]', fromStep: 2, outputPath: 'entities[0].name', value: NEW_ENTITY }]);
    expect(entityNames(calls[3])).toEqual([NEW_ENTITY]);
    expect(summary).toEqual({ calls: 2, errors: 0, linkedCalls: 1 });
  });

  it('fails with SessionLostError when the connection drops mid-step, then resumes at that step', async () => {
    // The live session is closed just before step 3, so the real call reports a lost transport.
    let step = 0;
    const dropping = episodeDeps({ store, root, spec, runId }, {
      wrap: (session) => ({
        call: async (tool, args, options) => {
          if (step++ === 3) await session.close();
          return session.call(tool, args, options);
        },
        close: () => session.close(),
      }),
    });
    const failure = await runEpisode(plan, dropping.deps).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionLostError);
    expect(failure).toMatchObject({ tool: 'open_nodes', step: 3 });
    expect((await store.listCalls(runId, 0)).map((c) => c.step)).toEqual([0, 1, 2]);

    const retry = episodeDeps({ store, root, spec, runId });
    await runEpisode(plan, retry.deps);
    expect(retry.opened).toEqual([{ resumed: true, sandboxDir: dropping.opened[0]!.sandboxDir }]);
    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => [c.step, c.tool])).toEqual([
      [0, 'create_entities'],
      [1, 'create_relations'],
      [2, 'create_entities'],
      [3, 'open_nodes'],
    ]);
    expect(entityNames(calls[3])).toEqual([NEW_ENTITY]);
  });

  it('does nothing more for an episode already fully recorded', async () => {
    await runEpisode(plan, episodeDeps({ store, root, spec, runId }).deps);
    const before = await store.listCalls(runId, 0);
    const again = episodeDeps({ store, root, spec, runId });
    expect(await runEpisode(plan, again.deps)).toEqual({ calls: 2, errors: 0, linkedCalls: 1 });
    expect(again.checkpoints).toEqual([]);
    expect(await store.listCalls(runId, 0)).toEqual(before);
  });
});

describe('runEpisode when a call times out', () => {
  let root: string;
  let store: SqliteStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-episode-timeout-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('asks a timed-out call once more on a fresh process, then records the timeout and continues on the same sandbox', async () => {
    const spec: ServerSpec = { ...fixtureSpec, setup: [{ tool: FIXTURE_TOOLS.whoami, arguments: {} }] };
    const noArguments = { type: 'object', properties: {} };
    const tools = new Map<string, ToolDefinition>(
      [FIXTURE_TOOLS.hang, FIXTURE_TOOLS.whoami].map((name) => [name, { name, description: name, inputSchema: noArguments }]),
    );
    const runId = 'timeout-run';
    const plan: EpisodePlan = {
      runId,
      subDagIndex: 0,
      subDag: { index: 0, key: 'hang>whoami', tools: [FIXTURE_TOOLS.hang, FIXTURE_TOOLS.whoami], edges: [], shape: 'chain' },
      tools,
      setup: spec.setup,
      hints: {},
      callTimeoutMs: 500,
      seed: runId,
    };
    const { deps, opened } = episodeDeps({ store, root, spec, runId });

    const summary = await runEpisode(plan, deps);

    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => [c.step, c.phase, c.tool, c.isError, c.errorKind ?? null])).toEqual([
      [0, 'setup', FIXTURE_TOOLS.whoami, false, null],
      [1, 'explore', FIXTURE_TOOLS.hang, true, 'timeout'],
      [2, 'explore', FIXTURE_TOOLS.whoami, false, null],
    ]);
    expect(summary).toEqual({ calls: 2, errors: 1, linkedCalls: 0 });
    // The first process, the one the hang was asked again on, and the one after the recorded timeout.
    expect(opened).toEqual([
      { resumed: false, sandboxDir: expect.any(String) },
      { resumed: true, sandboxDir: opened[0]!.sandboxDir },
      { resumed: true, sandboxDir: opened[0]!.sandboxDir },
    ]);
    const before = outputOf(calls[0]).pid as number;
    const after = outputOf(calls[2]).pid as number;
    expect(after).not.toBe(before);
    expect(processExists(before)).toBe(false);
  });
});
