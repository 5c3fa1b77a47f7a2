import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { PROJECT_ROOT, runtimeConfig } from '../../src/config.js';
import type { EpisodeCheckpoint } from '../../src/explore/run-episode.js';
import { SpecError } from '../../src/mcp/errors.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { failureTypes } from '../../src/api.js';

/** Runs one activity the way a worker would, collecting the heartbeats it sends. */
async function runActivity<I, R>(
  activity: (input: I) => Promise<R>,
  input: I,
  info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {},
): Promise<{ result: R; heartbeats: unknown[] }> {
  // The expected failure below would otherwise be logged as a warning.
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const result = await env.run<[I], R, typeof activity>(activity, input);
  return { result, heartbeats };
}

describe('exploreEpisode activity (MockActivityEnvironment, real memory server)', () => {
  let root: string;
  let store: SqliteStore;
  let activities: Activities;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-explore-activity-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
    // Built as worker.ts builds them, with a temporary store and sandbox root.
    activities = createActivities(offlineActivityDeps(runtimeConfig({ FIREFLY_DATA_DIR: root }), store));
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('heartbeats its checkpoints, records every call, marks the episode done, and a second run records nothing', async () => {
    const runId = `explore-activity-${randomUUID()}`;
    const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', 'memory.json'), 'utf8')) as { server: unknown };
    const options = { subDagCount: 3, seed: 1 };

    // The stages before exploration, in the workflow's order.
    await runActivity(activities.prepareRun, { runId, server: example.server, options });
    const { result: discovered } = await runActivity(activities.discoverTools, { runId });
    expect(discovered.usable).toBeGreaterThan(1);
    await runActivity(activities.buildToolGraph, { runId, seed: options.seed });
    const { result: sampled } = await runActivity(activities.sampleSubDags, { runId, count: options.subDagCount, seed: options.seed });
    expect(sampled.total).toBe(3);

    const subDag = await store.getSubDag(runId, 0);
    const run = await store.getRun(runId);
    const setupCount = (run?.spec as { setup: unknown[] }).setup.length;
    const steps = setupCount + subDag!.tools.length;

    const first = await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 });

    const nextSteps = (first.heartbeats as EpisodeCheckpoint[]).map((h) => h.nextStep);
    expect(first.heartbeats.every((h) => typeof h === 'object' && h !== null && Object.keys(h).join() === 'nextStep')).toBe(true);
    // One heartbeat per recorded call, in order; a timer also repeats the latest checkpoint (0 before the first call).
    expect(nextSteps).toEqual([...nextSteps].sort((a, b) => a - b));
    expect([...new Set(nextSteps)].filter((n) => n > 0)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));

    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => c.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
    expect(calls.map((c) => c.phase)).toEqual([...Array(setupCount).fill('setup'), ...Array(subDag!.tools.length).fill('explore')]);
    expect(calls.slice(setupCount).map((c) => c.tool)).toEqual(subDag!.tools);
    expect(first.result.calls).toBe(subDag!.tools.length);
    expect(await store.getEpisode(runId, 0)).toEqual({ runId, subDagIndex: 0, status: 'done', planner: 'offline', ...first.result });

    const second = await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 }, {
      attempt: 2,
      heartbeatDetails: { nextStep: steps },
    });
    expect(second.result).toEqual(first.result);
    expect(second.heartbeats).toEqual([]);
    expect(await store.listCalls(runId, 0)).toEqual(calls);
  });

  it('prepareRun refuses a spec without a command: non-retryable InvalidInput, nothing stored', async () => {
    const runId = `bad-spec-${randomUUID()}`;
    const failure = await runActivity(activities.prepareRun, { runId, server: { name: 'memory' }, options: {} }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const applicationFailure = failure as ApplicationFailure;
    expect(applicationFailure.type).toBe(failureTypes.invalidInput);
    expect(applicationFailure.nonRetryable).toBe(true);
    expect(applicationFailure.cause).toBeInstanceOf(SpecError);
    expect((applicationFailure.cause as SpecError).field).toBe('server.command');
    expect(await store.getRun(runId)).toBeUndefined();
  });
});
