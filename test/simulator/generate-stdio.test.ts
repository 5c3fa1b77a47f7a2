import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain.js';
import { RESULT_TOOL_NAME } from '../../src/llm/stages/response-generation-prompt.js';
import { SIMULATOR_CACHE_FILE } from '../../src/simulator/cache-tables.js';
import { canonicalArguments } from '../../src/simulator/canonical.js';
import { anthropicServerError, anthropicToolUse } from '../helpers/fake-llm/anthropic-replies.js';
import { startFakeAnthropic } from '../helpers/fake-llm/anthropic-server.js';
import type { FakeLlmServer } from '../helpers/fake-llm/fake-server.js';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';
import { simulateCommand } from './simulate-process.js';

const KEY = 'sk-ant-fake-key';
const MISSED_SEARCH = { query: 'Turing' };
const MISSED_WRITE = { entities: [{ name: 'Alan Turing', entityType: 'mathematician', observations: ['Broke Enigma'] }] };
const found = (value: JsonObject): JsonObject => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value });
const SEARCH_ANSWER = found({ entities: [], relations: [] });
const WRITE_ANSWER = found({ entities: MISSED_WRITE.entities });
const modelReturns = (result: JsonObject) => anthropicToolUse([{ name: RESULT_TOOL_NAME, input: { isError: false, ...result } }]);

const withoutMeta = (result: JsonObject) => {
  const { _meta: _ignored, ...rest } = result;
  return rest;
};
const meta = (result: JsonObject) => result._meta as JsonObject;

describe('firefly simulate --generate over stdio, against the fake Messages API', () => {
  let run: RecordedRun;
  let fake: FakeLlmServer;
  let llm: string;
  beforeAll(async () => {
    run = await recordMemoryRun();
    fake = await startFakeAnthropic({ apiKey: KEY });
    llm = JSON.stringify({ provider: 'anthropic', baseURL: fake.baseURL });
  });
  afterAll(async () => {
    await fake?.close();
    await run?.cleanup();
  });

  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  async function connect(datasetDir: string, ...flags: string[]) {
    const transport = new StdioClientTransport({
      ...simulateCommand(datasetDir, ...flags),
      env: { ...(process.env as Record<string, string>), ANTHROPIC_API_KEY: KEY },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'simulator-generate-test', version: '1' });
    await client.connect(transport);
    clients.push(client);
    // Listing the tools makes the client check structured content against their output schemas.
    await client.listTools();
    return { client, stderr: () => stderr };
  }

  it('answers a miss generated, stores it in the cache file, and a later process gives it again without the model', async () => {
    const file = join(run.datasetDir, SIMULATOR_CACHE_FILE);
    fake.enqueue(modelReturns(SEARCH_ANSWER));
    const first = await connect(run.datasetDir, '--generate', '--llm', llm);
    const result = (await first.client.callTool({ name: 'search_nodes', arguments: MISSED_SEARCH })) as JsonObject;
    expect(withoutMeta(result)).toEqual(SEARCH_ANSWER);
    expect(meta(result)).toMatchObject({
      'firefly/provenance': 'generated',
      'firefly/source': { runId: run.runId },
      'firefly/model': 'claude-haiku-4-5',
      'firefly/examples': expect.arrayContaining([expect.objectContaining({ runId: run.runId, similarity: expect.any(Number) })]),
    });
    expect(fake.scripted).toHaveLength(1);
    expect(first.stderr()).toMatch(/generating answers for misses with anthropic model claude-haiku-4-5; 0 generated answer\(s\) already stored/);
    expect(first.stderr()).toMatch(/generated an answer for search_nodes with claude-haiku-4-5 from [1-3] recording\(s\)/);

    // A recorded call is still answered exactly, without the model.
    const recorded = run.input.calls.find((c) => c.tool === 'read_graph' && c.subDagIndex === -1)!;
    expect(meta((await first.client.callTool({ name: 'read_graph', arguments: recorded.arguments })) as JsonObject)['firefly/provenance']).not.toBe('generated');
    expect(fake.scripted).toHaveLength(1);

    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT tool, arguments_canonical, model, result_json, is_error, examples_json FROM generated').all() as JsonObject[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ tool: 'search_nodes', arguments_canonical: canonicalArguments(MISSED_SEARCH), model: 'claude-haiku-4-5', is_error: 0 });
      expect(JSON.parse(rows[0]!.result_json as string)).toEqual(SEARCH_ANSWER);
      expect(JSON.parse(rows[0]!.examples_json as string)).toEqual(meta(result)['firefly/examples']);
    } finally {
      db.close();
    }

    const later = await connect(run.datasetDir, '--generate', '--llm', llm);
    const again = (await later.client.callTool({ name: 'search_nodes', arguments: MISSED_SEARCH })) as JsonObject;
    expect(again).toEqual(result);
    expect(fake.requests).toHaveLength(1);
    expect(later.stderr()).toMatch(/1 generated answer\(s\) already stored in the cache file/);

    // Without --generate the simulator is as it always was: the miss gets no data.
    const plain = await connect(run.datasetDir);
    const none = (await plain.client.callTool({ name: 'search_nodes', arguments: MISSED_SEARCH })) as JsonObject;
    expect(meta(none)['firefly/provenance']).toBe('none');
    expect(none.isError).toBe(true);
  });

  it('answers none when the provider fails, says calling again may succeed, and the session goes on', async () => {
    fake.enqueue(anthropicServerError(), modelReturns(WRITE_ANSWER));
    const { client, stderr } = await connect(run.datasetDir, '--generate', '--llm', llm);
    const failed = (await client.callTool({ name: 'create_entities', arguments: MISSED_WRITE })) as JsonObject;
    expect(meta(failed)['firefly/provenance']).toBe('none');
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toMatch(/the model asked to generate an answer failed \(.*500.*\)\. Nothing was stored: calling again may succeed/);
    expect(stderr()).toMatch(/generating an answer for create_entities failed/);

    const retried = (await client.callTool({ name: 'create_entities', arguments: MISSED_WRITE })) as JsonObject;
    expect(meta(retried)['firefly/provenance']).toBe('generated');
    expect(withoutMeta(retried)).toEqual(WRITE_ANSWER);
  });

  it('refuses --generate without a model before serving, exit status 2', () => {
    const { command, args, cwd } = simulateCommand(run.datasetDir, '--generate');
    const { ANTHROPIC_API_KEY: _key, ...env } = process.env;
    const exited = spawnSync(command, args, { cwd, env, input: '', encoding: 'utf8' });
    expect(exited.status).toBe(2);
    expect(exited.stdout).toBe('');
    expect(exited.stderr).toMatch(/^firefly: --generate needs a model, and without --llm the default is Anthropic, but ANTHROPIC_API_KEY is not set/);
  });
});
