import Database from 'better-sqlite3';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain.js';
import { createAnthropicClient } from '../../src/llm/anthropic-client.js';
import { LlmError } from '../../src/llm/errors.js';
import { LlmResponseGenerator } from '../../src/llm/stages/llm-response-generator.js';
import { RESULT_TOOL_NAME } from '../../src/llm/stages/response-generation-prompt.js';
import { SimulatorCache } from '../../src/simulator/cache.js';
import { readSimulatorCache } from '../../src/simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../../src/simulator/cache-tables.js';
import { canonicalArguments } from '../../src/simulator/canonical.js';
import { CacheFileGeneratedMemo } from '../../src/simulator/generated-memo-file.js';
import { InMemoryGeneratedMemo, type GeneratedAnswer, type GenerationKey } from '../../src/simulator/generation.js';
import { Simulator, type SimulatorOptions } from '../../src/simulator/simulator.js';
import { nextState } from '../../src/simulator/state.js';
import { anthropicMessage, anthropicServerError, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';

const KEY = 'sk-ant-fake-key';
const MODEL = 'claude-haiku-4-5';

/** Calls no recording is close to (every recorded query and entity shares no word with these). */
const MISSED_SEARCH = { query: 'Turing' };
const MISSED_WRITE = { entities: [{ name: 'Alan Turing', entityType: 'mathematician', observations: ['Broke Enigma'] }] };

const found = (value: JsonObject): JsonObject => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value });
const TURING = { name: 'Alan Turing', entityType: 'mathematician', observations: ['Broke Enigma'] };
const SEARCH_ANSWER = found({ entities: [], relations: [] });
const WRITE_ANSWER = found({ entities: [TURING] });

/** The model's forced call returning `result`; `isError` false unless the result says otherwise. */
const modelReturns = (result: JsonObject) => anthropicToolUse([{ name: RESULT_TOOL_NAME, input: { isError: false, ...result } }]);
/** A tool_use block without input: unusable, as the SDK client reports it. */
const malformed = () => anthropicMessage([{ type: 'tool_use', id: 'toolu_bad', name: RESULT_TOOL_NAME }], { stopReason: 'tool_use' });

type Json = Record<string, any>;
const userText = (body: unknown) => ((body as Json).messages as Json[]).flatMap((m) => (m.content as Json[]).map((b) => b.text as string)).join('\n');

describe('generated answers on a real recorded run of the memory server', () => {
  let run: RecordedRun;
  let cache: SimulatorCache;
  let server: FakeLlmServer;
  let running: FakeLlmServer[] = [];
  beforeAll(async () => {
    run = await recordMemoryRun();
    cache = SimulatorCache.fromRecording(run.input);
  });
  afterAll(() => run?.cleanup());
  afterEach(async () => {
    await Promise.all(running.map((s) => s.close()));
    running = [];
  });

  async function generating(options: SimulatorOptions = {}, over: SimulatorCache = cache) {
    const fake = await startFakeAnthropic({ apiKey: KEY });
    server = fake;
    running.push(fake);
    const rejected: string[] = [];
    const generator = new LlmResponseGenerator({
      client: createAnthropicClient({ model: MODEL, apiKey: KEY, baseURL: fake.baseURL, timeoutMs: 10_000 }),
      onReject: (_request, reason) => void rejected.push(reason),
    });
    // Lenient: these cases script the model for the calls no near recording answers.
    return { simulator: new Simulator(over, { generator, policy: 'lenient', ...options }), generator, rejected };
  }

  it('answers a miss generated, from the model given the call and the nearest recordings of the tool', async () => {
    expect((await new Simulator(cache).startEpisode().call('search_nodes', MISSED_SEARCH)).provenance, 'a miss without a generator').toBe('none');
    const { simulator, generator } = await generating();
    server.enqueue(modelReturns(SEARCH_ANSWER));

    const answer = await simulator.startEpisode().call('search_nodes', MISSED_SEARCH);
    expect(answer.provenance).toBe('generated');
    expect(answer.result).toEqual(SEARCH_ANSWER);
    expect(answer.isError).toBe(false);

    // Based on up to three recordings of search_nodes, nearest first; the nearest is its source.
    const examples = answer.generated!.examples;
    expect(answer.generated!.model).toBe(MODEL);
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.length).toBeLessThanOrEqual(3);
    expect(answer.source).toEqual({ runId: examples[0]!.runId, subDagIndex: examples[0]!.subDagIndex, step: examples[0]!.step });
    expect(answer.similarity).toBe(examples[0]!.similarity);
    expect(answer.similarity).toBeLessThan(simulator.retrievalThreshold);
    const similarities = examples.map((e) => e.similarity);
    expect(similarities).toEqual([...similarities].sort((a, b) => b - a));

    const [request] = server.scripted;
    expect(server.requests).toHaveLength(1);
    const text = userText(request!.body);
    expect(text).toContain('name: search_nodes');
    expect(text).toMatch(/# The call to answer\narguments: \{"query":"Turing"\}$/);
    for (const example of examples) {
      const recording = run.input.calls.find((c) => c.subDagIndex === example.subDagIndex && c.step === example.step)!;
      expect(recording.tool).toBe('search_nodes');
      expect(text).toContain(`arguments: ${JSON.stringify(recording.arguments)}`);
      expect(text).toContain(`result: ${JSON.stringify(recording.result).slice(0, 200)}`);
    }
    // The recordings' own format is what the model is asked to copy: text content and structured content.
    expect(text).toContain('"structuredContent":{"entities":');
    expect(generator.ledger.total().calls).toBe(1);
  });

  it('gives the same answer again from the memo, with no new model request: in the process, and from the cache file in another', async () => {
    const file = join(run.root, 'memo-copy.sqlite');
    copyFileSync(join(run.datasetDir, SIMULATOR_CACHE_FILE), file);
    const memo = CacheFileGeneratedMemo.open(file);
    const { simulator } = await generating({ memo });
    server.enqueue(modelReturns(SEARCH_ANSWER));
    const first = await simulator.startEpisode().call('search_nodes', MISSED_SEARCH);
    // Another episode, the same call in the same state.
    const again = await simulator.startEpisode().call('search_nodes', { ...MISSED_SEARCH });
    expect(again).toEqual(first);
    expect(server.requests).toHaveLength(1);
    expect(memo.count()).toBe(1);
    memo.close();

    // A later process: the file read afresh, a model that would fail if it were asked.
    const reopened = CacheFileGeneratedMemo.open(file);
    try {
      const { simulator: later } = await generating({ memo: reopened }, readSimulatorCache(file));
      expect(await later.startEpisode().call('search_nodes', MISSED_SEARCH)).toEqual(first);
      expect(server.requests).toHaveLength(0);
      // With the memo alone (no model), the stored answer is still given.
      expect(await new Simulator(cache, { memo: reopened }).startEpisode().call('search_nodes', MISSED_SEARCH)).toEqual(first);
    } finally {
      reopened.close();
    }
    // In another state (after a recorded write), the same call is another call.
    const write = cache.entries.find((e) => e.tool === 'create_entities' && e.phase === 'explore' && !e.isError && e.state === cache.initialState)!;
    const { simulator: fresh } = await generating({ memo: new InMemoryGeneratedMemo() });
    server.enqueue(modelReturns(SEARCH_ANSWER), modelReturns(found({ entities: [], relations: [{ from: 'a', to: 'b', relationType: 'c' }] })));
    const episode = fresh.startEpisode();
    await episode.call('search_nodes', MISSED_SEARCH);
    expect((await episode.call(write.tool, write.args)).provenance).toBe('exact');
    const afterWrite = await episode.call('search_nodes', MISSED_SEARCH);
    expect(afterWrite.provenance).toBe('generated');
    expect(server.requests).toHaveLength(2);
  });

  it('moves the state as a recorded answer would: a write that succeeded advances it, a failed one and a read do not', async () => {
    const { simulator } = await generating();
    server.enqueue(modelReturns(WRITE_ANSWER));
    const episode = simulator.startEpisode();
    const start = episode.state;
    const written = await episode.call('create_entities', MISSED_WRITE);
    expect(written.provenance).toBe('generated');
    expect(episode.state).toBe(nextState(start, 'create_entities', canonicalArguments(MISSED_WRITE)));

    const afterWrite = episode.state;
    server.enqueue(modelReturns(SEARCH_ANSWER));
    expect((await episode.call('search_nodes', MISSED_SEARCH)).provenance).toBe('generated');
    expect(episode.state, 'search_nodes is read-only').toBe(afterWrite);

    const failedWrite = { entities: [{ name: 'Enigma', entityType: 'cipher machine', observations: [] }] };
    server.enqueue(modelReturns({ content: [{ type: 'text', text: 'Entity Enigma already exists' }], isError: true }));
    const failed = await episode.call('create_entities', failedWrite);
    expect(failed).toMatchObject({ provenance: 'generated', isError: true, result: { isError: true } });
    expect(episode.state, 'a failed call changes nothing').toBe(afterWrite);
  });

  it('answers calls in the order they are made while one waits for the model', async () => {
    const keys: GenerationKey[] = [];
    const memo = new InMemoryGeneratedMemo();
    const recording = {
      get: (key: GenerationKey) => memo.get(key),
      put: (key: GenerationKey, answer: GeneratedAnswer) => (keys.push(key), memo.put(key, answer)),
    };
    const { simulator } = await generating({ memo: recording });
    server.enqueue(modelReturns(WRITE_ANSWER), modelReturns(SEARCH_ANSWER));
    const episode = simulator.startEpisode();
    const start = episode.state;
    // Neither awaited before the next: the read must see the state the write left.
    const [write, read, graph] = await Promise.all([
      episode.call('create_entities', MISSED_WRITE),
      episode.call('search_nodes', MISSED_SEARCH),
      episode.call('read_graph', {}),
    ]);
    expect([write.provenance, read.provenance]).toEqual(['generated', 'generated']);
    const afterWrite = nextState(start, 'create_entities', canonicalArguments(MISSED_WRITE));
    expect(keys.map((k) => [k.tool, k.state])).toEqual([['create_entities', start], ['search_nodes', afterWrite]]);
    // No recording was made in the new state: read_graph is retrieved from another state, not exact.
    expect(graph.provenance).toBe('retrieved');
  });

  it('asks the model once for the same call made by concurrent episodes', async () => {
    const { simulator } = await generating();
    server.enqueue(modelReturns(SEARCH_ANSWER));
    const answers = await Promise.all([1, 2, 3].map(() => simulator.startEpisode().call('search_nodes', MISSED_SEARCH)));
    expect(server.requests).toHaveLength(1);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[1]).not.toBe(answers[0]);
  });

  it('after a malformed answer and its retry, answers none with the reason, stores nothing, and asks again next time', async () => {
    const { simulator, rejected } = await generating();
    server.enqueue(malformed(), malformed());
    const episode = simulator.startEpisode();
    const start = episode.state;
    const answer = await episode.call('create_entities', MISSED_WRITE);
    expect(answer.provenance).toBe('none');
    expect(answer.isError).toBe(true);
    const text = (answer.result as { content: Array<{ text: string }> }).content[0]!.text;
    expect(text).toMatch(/^No recorded data for create_entities with these arguments in this state \(nearest similarity 0\.\d\d[^;]*; recordings answer from similarity 0\.50\)\. No answer could be generated either: the model's answer was unusable after 2 attempts \(malformed output/);
    expect(rejected).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(episode.state).toBe(start);

    server.enqueue(modelReturns(WRITE_ANSWER));
    expect((await episode.call('create_entities', MISSED_WRITE)).provenance).toBe('generated');
    expect(server.requests).toHaveLength(3);
  });

  it('throws a provider failure (retryable LlmError) with the state unchanged and nothing stored; the retry generates', async () => {
    const memo = new InMemoryGeneratedMemo();
    const { simulator } = await generating({ memo });
    server.enqueue(anthropicServerError());
    const episode = simulator.startEpisode();
    const start = episode.state;
    const failure = await episode.call('create_entities', MISSED_WRITE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({ kind: 'server', retryable: true });
    expect(episode.state).toBe(start);
    expect(memo.size).toBe(0);

    server.enqueue(modelReturns(WRITE_ANSWER));
    expect((await episode.call('create_entities', MISSED_WRITE)).provenance).toBe('generated');
    expect(episode.state).not.toBe(start);
  });

  it('never asks the model for recorded answers, unknown tools, or tools with no recording to base an answer on', async () => {
    const withoutSearches = cache.filter((e) => e.tool !== 'search_nodes');
    const { simulator } = await generating({}, withoutSearches);
    const episodeCalls = run.input.calls.filter((c) => c.subDagIndex === 2 && c.phase === 'explore');
    const episode = simulator.startEpisode();
    for (const call of episodeCalls) {
      const answer = await episode.call(call.tool, call.arguments);
      if (call.tool !== 'search_nodes') expect(answer.provenance).toBe('exact');
    }
    expect((await episode.call('drop_database', {})).provenance).toBe('none');
    const never = await simulator.startEpisode().call('search_nodes', MISSED_SEARCH);
    expect(never.provenance).toBe('none');
    expect(JSON.stringify(never.result)).toMatch(/the recording holds no call of this tool/);
    expect(server.requests).toHaveLength(0);
  });

  it('leaves the cache file byte for byte as exported until an answer is stored; a file with the older generated layout gets its columns on the first write', async () => {
    const file = join(run.root, 'untouched.sqlite');
    copyFileSync(join(run.datasetDir, SIMULATOR_CACHE_FILE), file);
    const exported = readFileSync(file);
    const memo = CacheFileGeneratedMemo.open(file);
    expect(await memo.get({ tool: 'search_nodes', canonical: canonicalArguments(MISSED_SEARCH), state: cache.initialState })).toBeUndefined();
    memo.close();
    expect(readFileSync(file).equals(exported)).toBe(true);

    const older = join(run.root, 'older.sqlite');
    copyFileSync(join(run.datasetDir, SIMULATOR_CACHE_FILE), older);
    const db = new Database(older);
    db.exec(`DROP TABLE generated;
      CREATE TABLE generated (tool TEXT NOT NULL, arguments_canonical TEXT NOT NULL, state_key TEXT NOT NULL, model TEXT NOT NULL,
        result_json TEXT NOT NULL, PRIMARY KEY (tool, arguments_canonical, state_key, model));`);
    db.close();
    const migrated = CacheFileGeneratedMemo.open(older);
    try {
      const key = { tool: 'search_nodes', canonical: canonicalArguments(MISSED_SEARCH), state: cache.initialState };
      const stored: GeneratedAnswer = { result: SEARCH_ANSWER, isError: false, model: MODEL, examples: [{ runId: 'r', subDagIndex: 1, step: 2, similarity: 0 }] };
      expect(await migrated.put(key, stored)).toEqual(stored);
      // The first answer for a key stays.
      expect(await migrated.put(key, { ...stored, model: 'another-model' })).toEqual(stored);
      expect(await migrated.get(key)).toEqual(stored);
    } finally {
      migrated.close();
    }
  });
});
