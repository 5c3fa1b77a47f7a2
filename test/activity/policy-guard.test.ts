import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { runtimeConfig } from '../../src/config.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { failureTypes } from '../../src/api.js';
import { NOTES_TOOLS } from '../mcp/fixtures/call-log-tools.js';

function run<I, R>(activity: (input: I) => Promise<R>, input: I): Promise<R> {
  return new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run<[I], R, typeof activity>(activity, input);
}

/**
 * Defence in depth: even when something asks for a tool discovery refused (here, a sub-DAG or a
 * tool list tampered with in the store), the episode's session refuses the call before it reaches
 * the real server, non-retryably, naming the tool and the policy.
 */
describe('the session guard (real notes server, activities as the worker runs them)', () => {
  let root: string;
  let store: SqliteStore;
  let activities: Activities;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-policy-guard-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
    activities = createActivities(offlineActivityDeps(runtimeConfig({ FIREFLY_DATA_DIR: root }), store));
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A prepared and discovered run whose policy denies drop_notes; `called` reads the server's own log. */
  async function discoveredRun() {
    const runId = `policy-guard-${randomUUID()}`;
    const log = join(root, `${runId}.log`);
    const server = {
      name: 'notes',
      command: 'node',
      args: ['${bin:tsx}', '${project}/test/mcp/fixtures/call-log-server.ts'],
      env: { CALL_LOG: log },
      setup: [{ tool: NOTES_TOOLS.add, arguments: { title: 'Groceries', body: 'milk and eggs' } }],
    };
    await run(activities.prepareRun, { runId, server, options: { seed: 1, policy: { servers: { notes: { deny: ['drop_*'] } } } } });
    await run(activities.discoverTools, { runId });
    const called = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    return { runId, called };
  }

  function expectRefusal(failure: unknown, tool: string): void {
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const refusal = failure as ApplicationFailure;
    expect(refusal).toMatchObject({ type: failureTypes.policyRefused, nonRetryable: true });
    expect(refusal.message).toMatch(new RegExp(`notes/${tool}.*policy\\.servers\\.notes\\.deny\\[0\\] "drop_\\*" \\(input\\.policy\\)`));
  }

  it('refuses a denied tool in a sub-DAG: the calls before it happen, it never reaches the server', async () => {
    const { runId, called } = await discoveredRun();
    await store.saveSubDags(runId, [{ index: 0, key: 'tampered', tools: [NOTES_TOOLS.list, NOTES_TOOLS.drop], edges: [], shape: 'chain' }]);
    const failure = await run(activities.exploreEpisode, { runId, subDagIndex: 0 }).catch((error: unknown) => error);
    expectRefusal(failure, NOTES_TOOLS.drop);
    expect(called()).toEqual([NOTES_TOOLS.add, NOTES_TOOLS.list]);
    expect((await store.listCalls(runId, 0)).map((c) => c.tool)).toEqual([NOTES_TOOLS.add, NOTES_TOOLS.list]);
  });

  it('refuses a denied tool the probe was told is usable', async () => {
    const { runId, called } = await discoveredRun();
    const tools = await store.listTools(runId);
    await store.saveTools(runId, tools.map((t) => (t.name === NOTES_TOOLS.drop ? { ...t, usable: true, skipReason: undefined } : t)));
    const failure = await run(activities.buildToolGraph, { runId, seed: 1 }).catch((error: unknown) => error);
    expectRefusal(failure, NOTES_TOOLS.drop);
    expect(called()).not.toContain(NOTES_TOOLS.drop);
  });
});
