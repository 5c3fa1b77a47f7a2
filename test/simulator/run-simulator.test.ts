import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { simulatorOf } from '../../activities/run-simulator.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { STORED_LLM_KEY } from '../../activities/run-llm.js';
import { runtimeConfig } from '../../src/config.js';
import type { JsonValue } from '../../src/domain.js';
import { resolveLlmConfig } from '../../src/llm/config.js';
import { UsageLedger } from '../../src/llm/usage-ledger.js';
import { RESULT_TOOL_NAME } from '../../src/llm/stages/response-generation-prompt.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anthropicMessage, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';

const KEY = 'sk-ant-fake-key';
const KEY_ENV = 'FIREFLY_SIMULATE_TEST_KEY';
const MISSED_SEARCH = { query: 'Turing' };
const SEARCH_ANSWER = { content: [{ type: 'text', text: '{"entities":[],"relations":[]}' }], structuredContent: { entities: [], relations: [] } };

describe('simulatorOf: the run simulator activities use', () => {
  let run: RecordedRun;
  let store: SqliteStore;
  let fake: FakeLlmServer;
  let deps: ActivityDeps;
  beforeAll(async () => {
    run = await recordMemoryRun();
    fake = await startFakeAnthropic({ apiKey: KEY });
    store = new SqliteStore(join(run.root, 'firefly.sqlite'));
    const env = { [KEY_ENV]: KEY };
    deps = offlineActivityDeps(runtimeConfig({}), store, env);
  });
  afterAll(async () => {
    await store?.close();
    await fake?.close();
    await run?.cleanup();
  });

  async function storeLlm(llm: JsonValue | undefined) {
    const record = (await store.getRun(run.runId))!;
    await store.saveRun({ ...record, options: { seed: 1, ...(llm === undefined ? {} : { [STORED_LLM_KEY]: llm }) } });
  }

  it('never generates for an offline run, nor unless asked (verification never asks)', async () => {
    await storeLlm(undefined);
    const offline = await simulatorOf(deps, run.runId, { generate: true });
    expect(offline.generates).toBe(false);
    expect((await offline.startEpisode().call('search_nodes', MISSED_SEARCH)).provenance).toBe('none');

    await storeLlm(resolveLlmConfig({ provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV }, { [KEY_ENV]: KEY }) as unknown as JsonValue);
    const verifying = await simulatorOf(deps, run.runId);
    expect(verifying.generates).toBe(false);
    expect((await verifying.startEpisode().call('search_nodes', MISSED_SEARCH)).provenance).toBe('none');
    expect(fake.requests).toHaveLength(0);
  });

  it("generates with the run's simulate model when replay asks: tokens metered into the store, unusable output kept as a rejection", async () => {
    await storeLlm(resolveLlmConfig({ provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV, models: { simulate: 'claude-simulate-test' } }, { [KEY_ENV]: KEY }) as unknown as JsonValue);
    // A replay counts the generating model's tokens in its own ledger too.
    const ledger = new UsageLedger();
    const simulator = await simulatorOf(deps, run.runId, { generate: true, ledger });
    fake.enqueue(anthropicToolUse([{ name: RESULT_TOOL_NAME, input: { ...SEARCH_ANSWER, isError: false } }]));
    const answer = await simulator.startEpisode().call('search_nodes', MISSED_SEARCH);
    expect(ledger.snapshot().entries).toEqual([expect.objectContaining({ stage: 'simulate', model: 'claude-simulate-test', calls: 1 })]);
    expect(answer).toMatchObject({ provenance: 'generated', result: SEARCH_ANSWER, generated: { model: 'claude-simulate-test' } });
    expect((fake.scripted[0]!.body as { model: string }).model).toBe('claude-simulate-test');
    expect(await store.listLlmUsage(run.runId)).toEqual([expect.objectContaining({ stage: 'simulate', model: 'claude-simulate-test', calls: 1 })]);
    // Another batch (a new simulator) gets the same answer from the run's store, asking nothing.
    const again = await (await simulatorOf(deps, run.runId, { generate: true })).startEpisode().call('search_nodes', MISSED_SEARCH);
    expect(again).toMatchObject({ provenance: 'generated', result: SEARCH_ANSWER });
    expect(fake.scripted).toHaveLength(1);

    const unusable = () => anthropicMessage([{ type: 'text', text: 'I cannot know that.' }], { stopReason: 'end_turn' });
    fake.enqueue(unusable(), unusable());
    const none = await simulator.startEpisode().call('search_nodes', { query: 'Enigma' });
    expect(none.provenance).toBe('none');
    const rejections = await store.listLlmRejections(run.runId);
    expect(rejections).toEqual([
      expect.objectContaining({ stage: 'simulate', subject: expect.stringMatching(/^search_nodes\(\{"query":"Enigma"\}\) in state "[0-9a-f]{32}"$/), reason: expect.stringMatching(/without calling return_tool_result/) }),
    ]);
  });
});
