/**
 * The LLM explorer on the real memory server: the real Anthropic SDK (and the OpenAI-compatible
 * client) talk to local fakes of the providers' APIs, scripted to read their conversation as a model
 * would and to chain what earlier calls returned into later calls.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { offlineActivityDeps } from '../../activities/offline-deps.js';
import { PROJECT_ROOT, runtimeConfig } from '../../src/config.js';
import type { RecordedCall, SubDag } from '../../src/domain.js';
import {
  ExplorationStalledError,
  runAgentEpisode,
  type AgentEpisodeDeps,
} from '../../src/explore/agent-episode.js';
import type { EpisodePlan } from '../../src/explore/episode-recorder.js';
import type { MalformedCall } from '../../src/llm/stages/agent-loop.js';
import { EXPLORER_SYSTEM } from '../../src/llm/stages/explorer-prompt.js';
import type { LlmClient } from '../../src/llm/types.js';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { prepareSandbox } from '../../src/mcp/sandbox.js';
import { openSession } from '../../src/mcp/session.js';
import { parseServerSpec, type ServerSpec } from '../../src/mcp/spec.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anthropicRateLimited, anthropicText, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { chatToolCalls } from '../helpers/fake-llm/openai-replies.js';
import { startFakeOpenAi } from '../helpers/fake-llm/openai-server.js';
import type { RecordedRequest } from '../helpers/fake-llm/recording-server.js';
import type { ScriptStep } from '../helpers/fake-llm/script.js';
import { anthropicClientFor, blocksOf, KEY, messagesOf, openAiClientFor } from '../unit/llm/stages/clients.js';
import { memoryTools } from '../unit/graph/fixtures/memory-server.js';

const PLANNER = 'anthropic:claude-sonnet-4-6';

type Json = Record<string, any>;

/** search_nodes → add_observations → open_nodes, with the mappings the graph stage finds between them. */
const searchAddOpen: SubDag = {
  index: 0,
  key: 'search_nodes>add_observations>open_nodes',
  tools: ['search_nodes', 'add_observations', 'open_nodes'],
  edges: [
    { from: 'search_nodes', to: 'add_observations', confidence: 'high', mappings: [{ input: 'observations[].entityName', output: 'entities[].name', score: 1 }] },
    { from: 'add_observations', to: 'open_nodes', confidence: 'medium', mappings: [{ input: 'names[]', output: 'results[].entityName', score: 0.8 }] },
  ],
  shape: 'chain',
};

const createAdd: SubDag = {
  index: 0,
  key: 'create_entities>add_observations',
  tools: ['create_entities', 'add_observations'],
  edges: [{ from: 'create_entities', to: 'add_observations', confidence: 'high', mappings: [{ input: 'observations[].entityName', output: 'entities[].name', score: 1 }] }],
  shape: 'chain',
};

const searchOpen: SubDag = {
  index: 0,
  key: 'search_nodes>open_nodes',
  tools: ['search_nodes', 'open_nodes'],
  edges: [{ from: 'search_nodes', to: 'open_nodes', confidence: 'high', mappings: [{ input: 'names[]', output: 'entities[].name', score: 1 }] }],
  shape: 'chain',
};

/** Thrown by a test to stand for a worker dying between two steps. */
class WorkerCrash extends Error {
  override readonly name = 'WorkerCrash';
}

/** The tool results of a request's last message: what the model just received. */
function lastResults(request: RecordedRequest): Json[] {
  const last = messagesOf(request.body).at(-1)!;
  return Array.isArray(last.content) ? (last.content as Json[]).filter((b) => b.type === 'tool_result') : [];
}

/** The JSON a tool result's text holds. */
function resultJson(block: Json | undefined): any {
  const content = block?.content;
  return JSON.parse(typeof content === 'string' ? content : (content as Json[]).map((b) => b.text).join(''));
}

/** The instruction: the text of a Messages API request's first message. */
function instructionOf(body: unknown): string {
  const content = messagesOf(body)[0]!.content;
  return typeof content === 'string' ? content : (content as Json[]).map((b) => b.text).join('');
}

/** A reply decided by reading the request: the model looking at its conversation. */
function reading(decide: (request: RecordedRequest) => ScriptStep): ScriptStep {
  return (request) => {
    const step = decide(request);
    return typeof step === 'function' ? step(request) : step;
  };
}

function explored(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => c.phase === 'explore');
}

describe('the LLM explorer on the real memory server', () => {
  let root: string;
  let store: SqliteStore;
  let spec: ServerSpec;
  let runId: string;
  let fake: FakeLlmServer | undefined;
  let count = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-explorer-test-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
    const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', 'memory.json'), 'utf8')) as { server: unknown };
    spec = parseServerSpec(example.server);
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    runId = `explorer-run-${++count}`;
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  function planFor(subDag: SubDag, overrides: Partial<EpisodePlan> = {}): EpisodePlan {
    return {
      runId,
      subDagIndex: subDag.index,
      subDag,
      tools: new Map(memoryTools.map((t) => [t.name, t])),
      setup: spec.setup,
      hints: spec.argumentHints,
      callTimeoutMs: spec.callTimeoutMs,
      seed: runId,
      ...overrides,
    };
  }

  /** Wired as the activity wires it: real server on a real sandbox, the real store. */
  function explorerDeps(client: LlmClient, options: { onRecorded?: (nextStep: number) => void; maxSteps?: number; redactor?: Redactor } = {}) {
    const opened: Array<{ resumed: boolean; sandboxDir: string }> = [];
    const checkpoints: number[] = [];
    const malformed: MalformedCall[] = [];
    const deps: AgentEpisodeDeps = {
      store,
      client,
      planner: PLANNER,
      openSession: async (resumed) => {
        const sandboxDir = await prepareSandbox(root, runId, 'sub-dag-0', { reuse: resumed });
        opened.push({ resumed, sandboxDir });
        return { session: await openSession(spec, { sandboxDir, projectRoot: PROJECT_ROOT }), sandboxDir };
      },
      resolveSetup: (args, field, sandboxDir) => resolveArguments(args, field, { sandboxDir, projectRoot: PROJECT_ROOT, env: process.env }),
      onRecorded: ({ nextStep }) => {
        checkpoints.push(nextStep);
        options.onRecorded?.(nextStep);
      },
      onMalformed: async (call) => {
        malformed.push(call);
      },
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      ...(options.redactor ? { redactor: options.redactor } : {}),
    };
    return { deps, opened, checkpoints, malformed };
  }

  it('chains a name from one output into the next calls, links each to its source, and stops once every tool succeeded', async () => {
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]),
        reading((request) => {
          const name = resultJson(lastResults(request)[0]).entities[0].name as string;
          return anthropicToolUse([{ name: 'add_observations', input: { observations: [{ entityName: name, contents: ['Proposed the Analytical Engine in 1837'] }] } }]);
        }),
        reading((request) => {
          const name = resultJson(lastResults(request)[0])[0].entityName as string;
          return anthropicToolUse([{ name: 'open_nodes', input: { names: [name] } }]);
        }),
      ],
    });
    const { deps, checkpoints, opened } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    const outcome = await runAgentEpisode(planFor(searchAddOpen), deps);

    const calls = await store.listCalls(runId, 0);
    expect(calls.map((c) => [c.step, c.phase, c.tool, c.isError, c.planner])).toEqual([
      [0, 'setup', 'create_entities', false, 'setup'],
      [1, 'setup', 'create_relations', false, 'setup'],
      [2, 'explore', 'search_nodes', false, PLANNER],
      [3, 'explore', 'add_observations', false, PLANNER],
      [4, 'explore', 'open_nodes', false, PLANNER],
    ]);
    // The name the model passed on came from the search's output, not from its own arguments.
    expect(calls[2]!.links).toEqual([]);
    expect(calls[3]!.links).toEqual([{ argument: 'observations[0].entityName', fromStep: 2, outputPath: 'entities[0].name', value: 'Charles Babbage' }]);
    expect(calls[4]!.links).toEqual([{ argument: 'names[0]', fromStep: 3, outputPath: 'results[0].entityName', value: 'Charles Babbage' }]);
    expect(JSON.stringify(calls[4]!.result)).toContain('Proposed the Analytical Engine in 1837');
    expect(outcome).toEqual({ stopped: 'goal-reached', covered: true, summary: { calls: 3, errors: 0, linkedCalls: 2 } });
    // Covered after the third call: the model was not asked again.
    expect(fake.scripted).toHaveLength(3);
    expect(fake.unscripted).toBe(0);
    expect(checkpoints).toEqual([1, 2, 3, 4, 5]);
    expect(opened).toEqual([{ resumed: false, sandboxDir: expect.any(String) }]);

    // A stable, cacheable system prompt; the instruction names the tools in order and the edges.
    const first = fake.scripted[0]!.body as Json;
    expect(first.system).toEqual([{ type: 'text', text: EXPLORER_SYSTEM, cache_control: { type: 'ephemeral' } }]);
    expect(first.tools.map((t: Json) => t.name)).toEqual(searchAddOpen.tools);
    const instruction = instructionOf(first);
    expect(instruction).toContain('1. search_nodes\n2. add_observations\n3. open_nodes');
    expect(instruction).toContain('search_nodes → add_observations: output `entities[].name` → input `observations[].entityName` (high confidence)');
    expect(instruction).toContain('add_observations → open_nodes: output `results[].entityName` → input `names[]` (medium confidence)');
    expect(instruction).toContain('You may make at most 8 tool calls.');
    expect(instruction).toContain('- entityName: "Charles Babbage", "Ada Lovelace"');
  });

  it('tells a model that stops before every tool succeeded which tools are left, once, and it goes on', async () => {
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]),
        anthropicText('I searched the graph.'),
        reading((request) => {
          const name = resultJson(blocksOf(request.body, 'tool_result')[0]).entities[0].name as string;
          return anthropicToolUse([{ name: 'open_nodes', input: { names: [name] } }]);
        }),
      ],
    });
    const { deps } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));
    const outcome = await runAgentEpisode(planFor(searchOpen), deps);
    expect(outcome).toMatchObject({ stopped: 'goal-reached', covered: true, summary: { calls: 2 } });
    const nudge = messagesOf(fake.scripted[2]!.body).at(-1)!;
    expect(nudge.role).toBe('user');
    expect(JSON.stringify(nudge.content)).toContain('These tools have not succeeded yet: open_nodes.');
    expect(fake.unscripted).toBe(0);
  });

  it('lets the model correct a call the server refused, recording the failed call and the corrected one', async () => {
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ name: 'create_entities', input: { entities: [{ name: 'Hedy Lamarr', entityType: 'person', observations: ['Actress'] }] } }]),
        anthropicToolUse([{ name: 'add_observations', input: { observations: [{ entityName: 'Hedy Lamar', contents: ['Co-invented frequency hopping'] }] } }]),
        reading((request) => {
          const [refused] = lastResults(request);
          if (refused?.is_error !== true || !String(refused.content).includes('not found')) return anthropicText('I did not see the error.');
          // The corrected name, read from create_entities' result earlier in the conversation.
          const created = resultJson(blocksOf(request.body, 'tool_result')[0]);
          return anthropicToolUse([{ name: 'add_observations', input: { observations: [{ entityName: created[0].name, contents: ['Co-invented frequency hopping'] }] } }]);
        }),
      ],
    });
    const { deps } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    const outcome = await runAgentEpisode(planFor(createAdd), deps);

    const calls = explored(await store.listCalls(runId, 0));
    expect(calls.map((c) => [c.step, c.tool, c.isError, c.errorKind ?? null])).toEqual([
      [2, 'create_entities', false, null],
      [3, 'add_observations', true, 'is-error'],
      [4, 'add_observations', false, null],
    ]);
    expect(calls[1]!.links).toEqual([]);
    expect(calls[2]!.links).toEqual([{ argument: 'observations[0].entityName', fromStep: 2, outputPath: 'entities[0].name', value: 'Hedy Lamarr' }]);
    expect(outcome).toEqual({ stopped: 'goal-reached', covered: true, summary: { calls: 3, errors: 1, linkedCalls: 1 } });
    expect(fake.scripted).toHaveLength(3);
  });

  it('spends at most the default step budget (2 × tools + 2) when the model never covers the sub-DAG, and a retry asks nothing more', async () => {
    let searches = 0;
    fake = await startFakeAnthropic({ apiKey: KEY, script: () => anthropicToolUse([{ name: 'search_nodes', input: { query: `term ${++searches}` } }]) });
    const { deps } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    const outcome = await runAgentEpisode(planFor(searchOpen), deps);

    expect(outcome).toEqual({ stopped: 'step-budget', covered: false, summary: { calls: 6, errors: 0, linkedCalls: 0 } });
    expect(explored(await store.listCalls(runId, 0)).map((c) => c.arguments.query)).toEqual(['term 1', 'term 2', 'term 3', 'term 4', 'term 5', 'term 6']);
    expect(fake.scripted).toHaveLength(6);
    expect(instructionOf(fake.scripted[0]!.body)).toContain('You may make at most 6 tool calls.');

    const again = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));
    expect(await runAgentEpisode(planFor(searchOpen), again.deps)).toEqual(outcome);
    expect(fake.scripted).toHaveLength(6);
    expect(again.opened).toEqual([]);
  });

  it('keeps a call of an unknown tool and arguments that are no object as rejections, and the conversation goes on', async () => {
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ id: 'toolu_unknown', name: 'delete_everything', input: {} }]),
        anthropicToolUse([{ id: 'toolu_text', name: 'search_nodes', input: '{"query": "Bab' }]),
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Lovelace' } }]),
        reading((request) => anthropicToolUse([{ name: 'open_nodes', input: { names: [resultJson(lastResults(request)[0]).entities[0].name] } }])),
      ],
    });
    const { deps, malformed } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    const outcome = await runAgentEpisode(planFor(searchOpen), deps);

    expect(malformed.map((m) => [m.turn, m.reason, m.toolName])).toEqual([
      [0, 'unknown-tool', 'delete_everything'],
      [1, 'not-an-object', 'search_nodes'],
    ]);
    expect(malformed[1]!.raw).toContain('{\\"query\\": \\"Bab');
    const calls = explored(await store.listCalls(runId, 0));
    expect(calls.map((c) => [c.step, c.tool, c.isError])).toEqual([
      [2, 'search_nodes', false],
      [3, 'open_nodes', false],
    ]);
    expect(calls[1]!.links).toEqual([{ argument: 'names[0]', fromStep: 2, outputPath: 'entities[0].name', value: 'Ada Lovelace' }]);
    expect(outcome.stopped).toBe('goal-reached');
    // The model saw each refused call answered with what was wrong with it.
    const second = fake.scripted[1]!.body;
    expect(blocksOf(second, 'tool_result')[0]).toMatchObject({ tool_use_id: 'toolu_unknown', is_error: true });
    expect(String(blocksOf(second, 'tool_result')[0]!.content)).toContain("'delete_everything' is not an available tool");
  });

  it('fails retryably when every model turn was malformed and nothing was explored, and a retry explores without repeating setup', async () => {
    const bad = () => anthropicToolUse([{ name: 'delete_everything', input: {} }]);
    fake = await startFakeAnthropic({ apiKey: KEY, script: [bad(), bad(), bad(), bad()] });
    const first = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    const failure = await runAgentEpisode(planFor(searchOpen), first.deps).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ExplorationStalledError);
    expect(failure).toMatchObject({ subDagIndex: 0, malformed: 4 });
    expect(first.malformed.map((m) => m.turn)).toEqual([0, 1, 2, 3]);
    expect((await store.listCalls(runId, 0)).map((c) => c.phase)).toEqual(['setup', 'setup']);

    fake.enqueue(
      anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]),
      reading((request) => anthropicToolUse([{ name: 'open_nodes', input: { names: [resultJson(lastResults(request)[0]).entities[0].name] } }])),
    );
    const retry = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));
    const outcome = await runAgentEpisode(planFor(searchOpen), retry.deps);
    expect(outcome).toMatchObject({ stopped: 'goal-reached', covered: true });
    expect(retry.checkpoints).toEqual([3, 4]);
    expect((await store.listCalls(runId, 0)).map((c) => [c.step, c.tool])).toEqual([
      [0, 'create_entities'],
      [1, 'create_relations'],
      [2, 'search_nodes'],
      [3, 'open_nodes'],
    ]);
  });

  it('ends on too many malformed turns as a finding once something was explored', async () => {
    const bad = () => anthropicToolUse([{ name: 'delete_everything', input: {} }]);
    fake = await startFakeAnthropic({ apiKey: KEY, script: [anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]), bad(), bad(), bad(), bad()] });
    const { deps } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));

    expect(await runAgentEpisode(planFor(searchOpen), deps)).toEqual({ stopped: 'malformed-limit', covered: false, summary: { calls: 1, errors: 0, linkedCalls: 0 } });
    expect(fake.scripted).toHaveLength(5);
  });

  it('resumes after a worker crash mid-episode: the conversation is rebuilt from the recorded calls, and no step is recorded twice', async () => {
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]),
        reading((request) => {
          const name = resultJson(lastResults(request)[0]).entities[0].name as string;
          return anthropicToolUse([{ name: 'add_observations', input: { observations: [{ entityName: name, contents: ['Met Ada in 1833'] }] } }]);
        }),
      ],
    });
    const crashing = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'), {
      onRecorded: (nextStep) => {
        if (nextStep === 4) throw new WorkerCrash('worker died after recording step 3');
      },
    });
    await expect(runAgentEpisode(planFor(searchAddOpen), crashing.deps)).rejects.toBeInstanceOf(WorkerCrash);
    const before = await store.listCalls(runId, 0);
    expect(before.map((c) => c.step)).toEqual([0, 1, 2, 3]);
    expect(fake.scripted).toHaveLength(2);

    fake.enqueue(reading((request) => {
      const name = resultJson(lastResults(request)[0])[0].entityName as string;
      return anthropicToolUse([{ name: 'open_nodes', input: { names: [name] } }]);
    }));
    const retry = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'));
    const outcome = await runAgentEpisode(planFor(searchAddOpen), retry.deps);

    // The retry's one request carried the earlier calls and their results, in order.
    expect(fake.scripted).toHaveLength(3);
    const resumed = fake.scripted[2]!.body;
    expect(messagesOf(resumed).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(blocksOf(resumed, 'tool_use').map((b) => [b.name, b.input])).toEqual([
      ['search_nodes', { query: 'Babbage' }],
      ['add_observations', { observations: [{ entityName: 'Charles Babbage', contents: ['Met Ada in 1833'] }] }],
    ]);
    const results = blocksOf(resumed, 'tool_result');
    expect(results.map((b) => b.tool_use_id)).toEqual(blocksOf(resumed, 'tool_use').map((b) => b.id));
    expect(resultJson(results[0]).entities[0].name).toBe('Charles Babbage');
    expect(resultJson(results[1])).toEqual([{ entityName: 'Charles Babbage', addedObservations: ['Met Ada in 1833'] }]);

    expect(retry.opened).toEqual([{ resumed: true, sandboxDir: crashing.opened[0]!.sandboxDir }]);
    expect(retry.checkpoints).toEqual([5]);
    const calls = await store.listCalls(runId, 0);
    expect(calls.slice(0, 4)).toEqual(before);
    expect(calls.map((c) => [c.step, c.tool])).toEqual([
      [0, 'create_entities'],
      [1, 'create_relations'],
      [2, 'search_nodes'],
      [3, 'add_observations'],
      [4, 'open_nodes'],
    ]);
    // The observation the first attempt added is still on the sandbox the retry opened.
    expect(JSON.stringify(calls[4]!.result)).toContain('Met Ada in 1833');
    expect(calls[4]!.links).toEqual([{ argument: 'names[0]', fromStep: 3, outputPath: 'results[0].entityName', value: 'Charles Babbage' }]);
    expect(outcome).toEqual({ stopped: 'goal-reached', covered: true, summary: { calls: 3, errors: 0, linkedCalls: 2 } });
  });

  it('shows the model redacted outputs and ${sandbox} paths, while the server gets the real path', async () => {
    const known = 'known-secret-value-42';
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    const setup = [{ tool: 'create_entities', arguments: { entities: [{ name: 'Vault Keeper', entityType: 'person', observations: [`Holds ${known}`, `Token ${token}`, 'Files in ${sandbox}/vault.txt'] }] } }];
    fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        anthropicToolUse([{ name: 'search_nodes', input: { query: 'Vault' } }]),
        reading((request) => {
          const entity = resultJson(lastResults(request)[0]).entities[0];
          const path = (entity.observations as string[]).find((o) => o.startsWith('Files in '))!.slice('Files in '.length);
          return anthropicToolUse([{ name: 'add_observations', input: { observations: [{ entityName: entity.name, contents: [`Copy at ${path}.bak`] }] } }]);
        }),
        reading(() => anthropicToolUse([{ name: 'open_nodes', input: { names: ['Vault Keeper'] } }])),
      ],
    });
    const { deps, opened } = explorerDeps(anthropicClientFor(fake, 'claude-sonnet-4-6'), { redactor: new Redactor([known]) });

    await runAgentEpisode(planFor(searchAddOpen, { setup }), deps);

    const sandboxDir = opened[0]!.sandboxDir;
    const sent = fake.requests.map((r) => r.rawBody).join('\n');
    expect(sent).not.toContain(known);
    expect(sent).not.toContain(token);
    expect(sent).not.toContain(sandboxDir);
    expect(sent).toContain('Holds [REDACTED]');
    expect(sent).toContain('Token [REDACTED:github-token]');
    expect(sent).toContain('${sandbox}/vault.txt');
    const calls = await store.listCalls(runId, 0);
    expect(calls[2]!.arguments).toEqual({ observations: [{ entityName: 'Vault Keeper', contents: ['Copy at ${sandbox}/vault.txt.bak'] }] });
    expect(JSON.stringify(calls)).not.toContain(sandboxDir);
    expect(JSON.stringify(calls)).not.toContain(known);
    expect(await readFile(join(sandboxDir, 'memory.jsonl'), 'utf8')).toContain(`Copy at ${sandboxDir}/vault.txt.bak`);
  });

  it('explores through an OpenAI-compatible server too, answering invalid JSON arguments with an error the model corrects', async () => {
    fake = await startFakeOpenAi({
      script: [
        chatToolCalls([{ id: 'call_bad', name: 'search_nodes', arguments: '{"query": "Lov' }]),
        chatToolCalls([{ id: 'call_search', name: 'search_nodes', arguments: { query: 'Lovelace' } }]),
        reading((request) => {
          const messages = (request.body as Json).messages as Json[];
          const found = JSON.parse(messages.at(-1)!.content as string);
          return chatToolCalls([{ id: 'call_open', name: 'open_nodes', arguments: { names: [found.entities[0].name] } }]);
        }),
      ],
    });
    const { deps, malformed } = explorerDeps(openAiClientFor(fake));

    const outcome = await runAgentEpisode(planFor(searchOpen), deps);

    expect(malformed).toMatchObject([{ turn: 0, reason: 'invalid-json', raw: '{"query": "Lov', toolName: 'search_nodes' }]);
    const calls = explored(await store.listCalls(runId, 0));
    expect(calls.map((c) => [c.tool, c.arguments])).toEqual([
      ['search_nodes', { query: 'Lovelace' }],
      ['open_nodes', { names: ['Ada Lovelace'] }],
    ]);
    expect(calls[1]!.links).toEqual([{ argument: 'names[0]', fromStep: 2, outputPath: 'entities[0].name', value: 'Ada Lovelace' }]);
    expect(outcome).toMatchObject({ stopped: 'goal-reached', covered: true });
    const system = ((fake.scripted[0]!.body as Json).messages as Json[])[0];
    expect(system).toEqual({ role: 'system', content: EXPLORER_SYSTEM });
    expect(fake.scripted).toHaveLength(3);
  });
});

describe('exploreEpisode activity on a run with models (MockActivityEnvironment)', () => {
  const KEY_ENV = 'FIREFLY_TEST_EXPLORER_KEY';
  let root: string;
  let store: SqliteStore;
  let fake: FakeLlmServer;
  let activities: ReturnType<typeof createActivities>;

  async function runActivity<I, R>(activity: (input: I) => Promise<R>, input: I, info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): Promise<R> {
    const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
    return env.run<[I], R, typeof activity>(activity, input);
  }

  /** A run with models whose tools are discovered and whose sub-DAG 0 is `subDag`. */
  async function prepared(subDag: SubDag): Promise<string> {
    const runId = `explorer-activity-${randomUUID()}`;
    const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples', 'memory.json'), 'utf8')) as { server: unknown };
    await runActivity(activities.prepareRun, { runId, server: example.server, options: { seed: 1, llm: { provider: 'anthropic', baseURL: fake.baseURL, apiKeyEnv: KEY_ENV } } });
    await runActivity(activities.discoverTools, { runId });
    await store.saveSubDags(runId, [subDag]);
    return runId;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-explorer-activity-'));
    store = new SqliteStore(join(root, 'firefly.sqlite'));
    fake = await startFakeAnthropic({ apiKey: KEY });
    activities = createActivities(offlineActivityDeps(runtimeConfig({ FIREFLY_DATA_DIR: root }), store, { ...process.env, [KEY_ENV]: KEY }));
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('explores with the run\'s explore model, keeps malformed turns as rejections, meters usage, and marks the episode done once', async () => {
    const runId = await prepared(searchOpen);
    fake.enqueue(
      anthropicToolUse([{ name: 'delete_everything', input: {} }]),
      anthropicToolUse([{ name: 'search_nodes', input: { query: 'Babbage' } }]),
      reading((request) => anthropicToolUse([{ name: 'open_nodes', input: { names: [resultJson(lastResults(request)[0]).entities[0].name] } }])),
    );
    const requestsBefore = fake.scripted.length;

    const summary = await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 });

    expect(summary).toEqual({ calls: 2, errors: 0, linkedCalls: 1 });
    expect(fake.scripted.slice(requestsBefore).map((r) => (r.body as Json).model)).toEqual(Array(3).fill('claude-sonnet-4-6'));
    const calls = await store.listCalls(runId, 0);
    expect(explored(calls).map((c) => [c.tool, c.planner])).toEqual([
      ['search_nodes', PLANNER],
      ['open_nodes', PLANNER],
    ]);
    expect(await store.getEpisode(runId, 0)).toEqual({ runId, subDagIndex: 0, status: 'done', planner: PLANNER, ...summary });
    expect(await store.listLlmRejections(runId)).toEqual([
      { stage: 'explore', subject: 'sub-dag-0/turn-0', reason: 'unknown-tool', detail: expect.objectContaining({ toolName: 'delete_everything' }) },
    ]);
    expect(await store.listLlmUsage(runId)).toEqual([expect.objectContaining({ stage: 'explore', model: 'claude-sonnet-4-6', calls: 3 })]);

    // Done: a second run of the activity asks the model nothing and records nothing.
    expect(await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 }, { attempt: 2 })).toEqual(summary);
    expect(fake.scripted.length).toBe(requestsBefore + 3);
    expect(await store.listCalls(runId, 0)).toEqual(calls);
  });

  it('fails with the provider\'s retry-after as the next retry delay when the model is rate-limited', async () => {
    const runId = await prepared(searchOpen);
    fake.enqueue(anthropicRateLimited('7'));

    const failure = await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'LlmRateLimited', nonRetryable: false, nextRetryDelay: 7_000 });
    expect((await store.getEpisode(runId, 0))?.status).not.toBe('done');
  });

  it('fails retryably when the model made no usable call at all', async () => {
    const runId = await prepared(searchOpen);
    const bad = () => anthropicToolUse([{ name: 'delete_everything', input: {} }]);
    fake.enqueue(bad(), bad(), bad(), bad());

    const failure = await runActivity(activities.exploreEpisode, { runId, subDagIndex: 0 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ExplorationStalledError);
    expect(await store.getEpisode(runId, 0)).toBeUndefined();
    expect((await store.listLlmRejections(runId)).map((r) => r.subject)).toEqual(['sub-dag-0/turn-0', 'sub-dag-0/turn-1', 'sub-dag-0/turn-2', 'sub-dag-0/turn-3']);
  });
});
