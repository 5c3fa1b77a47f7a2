import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/domain.js';
import { runEpisode, SessionLostError, type EpisodeSession } from '../../../src/explore/run-episode.js';
import type { PlannedCall, Planner } from '../../../src/explore/planner.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const ISSUED = 'a9F3kL0pQ7zX2mN8vB4cR6tY1wE5uI0oP3sD7fG9hJ2k';
const KNOWN = 'known-secret-value-42';

/** `login` returns a key under a key-like name; `use` echoes what it got, as a server might. */
function fakeSession(received: JsonObject[], lose = false): EpisodeSession {
  return {
    call: async (tool, args) => {
      received.push(args);
      if (lose) {
        const lost: JsonObject = { error: { message: `connection lost; env had ${KNOWN}` } };
        return { result: lost, isError: true, errorKind: 'transport' as const, latencyMs: 1 };
      }
      const output: JsonObject = tool === 'login' ? { apiKey: ISSUED, user: 'ada' } : { echoed: args.value ?? null, note: `configured with ${KNOWN}` };
      const result: JsonObject = { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
      return { result, isError: false, latencyMs: 1 };
    },
    close: async () => undefined,
  };
}

/** Feeds `login`'s apiKey into `use`'s `value`, as a planner following an edge would. */
const planner: Planner = {
  name: 'test',
  planCall: async ({ tool, earlier }): Promise<PlannedCall> => {
    if (tool === 'login') return { arguments: {}, links: [] };
    const key = (earlier[0]!.output as JsonObject).apiKey!;
    return { arguments: { value: key }, links: [{ argument: 'value', fromStep: 0, outputPath: 'apiKey', value: key }] };
  },
};

const plan = {
  runId: 'run-1',
  subDagIndex: 0,
  subDag: { index: 0, key: 'k', tools: ['login', 'use'], edges: [], shape: 'chain' as const },
  tools: new Map(),
  setup: [],
  hints: {},
  callTimeoutMs: 1_000,
  seed: '1',
};

describe('runEpisode records redacted calls', () => {
  let store: SqliteStore;
  afterEach(async () => store.close());

  it('sends the real values, records markers, and keeps a passed-on value consistent with its source', async () => {
    store = new SqliteStore(':memory:');
    const received: JsonObject[] = [];
    const deps = {
      store,
      planner,
      redactor: new Redactor([KNOWN]),
      openSession: async () => ({ session: fakeSession(received), sandboxDir: '/tmp/none' }),
      resolveSetup: (args: JsonObject) => args,
    };
    await runEpisode(plan, deps);
    expect(received[1]).toEqual({ value: ISSUED });

    const [login, use] = await store.listCalls('run-1', 0);
    expect((login!.result as JsonObject).structuredContent).toEqual({ apiKey: '[REDACTED:token]', user: 'ada' });
    expect(use!.arguments).toEqual({ value: '[REDACTED:token]' });
    expect(use!.links[0]!.value).toBe('[REDACTED:token]');
    expect((use!.result as JsonObject).structuredContent).toEqual({ echoed: '[REDACTED:token]', note: 'configured with [REDACTED]' });
    expect(JSON.stringify(await store.listCalls('run-1'))).not.toMatch(new RegExp(`${ISSUED}|${KNOWN}`));
  });

  it('a lost connection fails with a message free of secrets', async () => {
    store = new SqliteStore(':memory:');
    const deps = {
      store,
      planner,
      redactor: new Redactor([KNOWN]),
      openSession: async () => ({ session: fakeSession([], true), sandboxDir: '/tmp/none' }),
      resolveSetup: (args: JsonObject) => args,
    };
    const error = await runEpisode(plan, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionLostError);
    expect((error as Error).message).toContain('env had [REDACTED]');
  });
});
