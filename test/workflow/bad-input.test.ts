import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../src/run-client.js';
import type { GenerateServerDatasetInput, RunSummary } from '../../src/api.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

/** Bad server specs fail the run fast, with a message naming the problem, after a bounded number of attempts. */
const memory = { name: 'memory', command: 'node', args: ['${bin:@modelcontextprotocol/server-memory}'], env: { MEMORY_FILE_PATH: '${sandbox}/memory.jsonl' } };
const CASES = [
  {
    label: 'setup call to a misspelt tool',
    server: { ...memory, setup: [{ tool: 'create_entitys', arguments: { entities: [] } }] },
    expected: /server\.setup\[0\]\.tool.*"create_entitys".*did you mean "create_entities"/s,
  },
  {
    label: 'setup call the server answers with an error',
    server: { ...memory, setup: [{ tool: 'create_entities', arguments: {} }, { tool: 'open_nodes', arguments: { names: 'Ada' } }] },
    expected: /server\.setup\[0\] \(create_entities\) failed on the server: .*entities/s,
  },
  {
    label: 'server with no tools',
    server: { name: 'empty', command: 'node', args: ['${bin:tsx}', '${project}/test/mcp/fixtures/hostile-server.ts'], env: { HOSTILE_TOOLS: 'none' } },
    expected: /server "empty" lists no tools/,
  },
  { label: 'missing command', server: { name: 'broken', transport: 'stdio' }, expected: /server\.command/ },
  { label: 'unknown transport', server: { name: 'broken', transport: 'carrier-pigeon', command: 'node' }, expected: /server\.transport.*stdio/s },
  { label: 'command that does not exist', server: { name: 'broken', command: 'firefly-no-such-command' }, expected: /firefly-no-such-command/ },
  { label: 'server that exits at once', server: { name: 'broken', command: 'node', args: ['-e', 'process.exit(3)'] }, expected: /exit.*3|code 3/i },
];

describe('bad input fails the run with a clear message', () => {
  const { config, client, worker } = useTestWorker('bad-input');
  const memoryServer = memory;

  it.each(CASES)('$label', async ({ server, expected }) => {
    const handle = await startRun(client(), config, uniqueId('bad-input'), { server, subDagCount: 2 });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const message = (failure as WorkflowFailedError).cause?.message ?? '';
    expect(message).toMatch(expected);

    // Bounded: no activity was attempted more than its retry policy allows, and none ran after the failure.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    expect(attempts).toBeLessThanOrEqual(4);
  });

  it('a bad input given to a finished run loses nothing it recorded', async () => {
    const workflowId = uniqueId('bad-input-rerun');
    const good = await startRun(client(), config, workflowId, { server: memoryServer, subDagCount: 3 });
    await good.result();
    const store = worker().store;
    const before = [await store.listCalls(workflowId), await store.listTasks(workflowId), await store.listVerdicts(workflowId)];
    expect(before[0]!.length).toBeGreaterThan(0);

    const otherModels = { server: memoryServer, subDagCount: 3, llm: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'qwen3' } };
    for (const bad of [{ server: memoryServer, subDagCount: -1 }, { server: { ...memoryServer, transport: 'carrier-pigeon' } }, otherModels]) {
      const rerun = await startRun(client(), config, workflowId, bad);
      await expect(rerun.result()).rejects.toThrow(WorkflowFailedError);
    }
    // Resumed with other models than it started with (none): refused, naming the field.
    const refused = await startRun(client(), config, workflowId, otherModels);
    const failure = await refused.result().catch((error: WorkflowFailedError) => error);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(/llm: run .* was started with no llm settings and keeps its models/);
    expect([await store.listCalls(workflowId), await store.listTasks(workflowId), await store.listVerdicts(workflowId)]).toEqual(before);
    expect((await store.getRun(workflowId))?.spec).toEqual(memoryServer);
  });

  it('the same workflow ID with another server or seed is refused, naming each field, and the run is left as it was', async () => {
    const workflowId = uniqueId('identity');
    const { dataset } = (await (await startRun(client(), config, workflowId, { server: memoryServer, subDagCount: 2 })).result()) as RunSummary;
    const files = () => readdirSync(dataset.dir).sort().map((name) => [name, readFileSync(join(dataset.dir, name)).toString('base64')]);
    const exported = files();
    const store = worker().store;
    const before = [await store.getRun(workflowId), await store.listCalls(workflowId), await store.listTasks(workflowId), await store.listVerdicts(workflowId)];
    const refusal = async (input: GenerateServerDatasetInput) => {
      const failure = await (await startRun(client(), config, workflowId, input)).result().catch((error: WorkflowFailedError) => error);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      return (failure as WorkflowFailedError).cause?.message ?? '';
    };
    const otherServer = await refusal({ server: { ...memoryServer, name: 'notes', env: { MEMORY_FILE_PATH: '${sandbox}/other.jsonl' } }, subDagCount: 2 });
    expect(otherServer).toMatch(/server\.env\.MEMORY_FILE_PATH differs; server\.name was "memory", now "notes"/);
    expect(otherServer).toMatch(/start a new workflow ID/);
    expect(await refusal({ server: memoryServer, subDagCount: 2, seed: 2 })).toMatch(/seed was 1, now 2/);
    expect(await refusal({ server: memoryServer, subDagCount: 5 })).toMatch(/subDagCount was 2, now 5/);
    expect([await store.getRun(workflowId), await store.listCalls(workflowId), await store.listTasks(workflowId), await store.listVerdicts(workflowId)]).toEqual(before);
    expect(files()).toEqual(exported);
    // The same input resumes, and redoes nothing.
    await (await startRun(client(), config, workflowId, { server: memoryServer, subDagCount: 2 })).result();
    expect(await store.listCalls(workflowId)).toEqual(before[1]);
  });

  it.each([
    [{ runId: 'x', batchSize: 0 }, /input\.batchSize/],
    [{ runId: 'x', policies: ['oracle'] }, /input\.policies.*oracle/],
    [{}, /input\.runId/],
    [{ runId: 'no-such-run' }, /no verified tasks/],
  ])('replayTasks refuses %j, naming the problem', async (input, expected) => {
    const handle = await client().workflow.start('replayTasks', { taskQueue: config.taskQueue, workflowId: uniqueId('bad-replay'), args: [input] });
    const failure = await handle.result().catch((error: WorkflowFailedError) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(expected);
  });

  it.each([
    [{ provider: 'gpt' }, /llm\.provider.*'anthropic'/],
    [{ provider: 'openai-compatible', model: 'qwen3' }, /llm\.baseURL.*required/],
    [{ provider: 'anthropic', apiKeyEnv: 'FIREFLY_NO_SUCH_KEY_VARIABLE' }, /llm\.apiKeyEnv.*FIREFLY_NO_SUCH_KEY_VARIABLE.*not set/],
    [{ provider: 'anthropic', apiKeyEnv: 'sk-ant-a-key-pasted-here' }, /llm\.apiKeyEnv.*NAME/],
    [{ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', models: { explorer: 'x' } }, /llm\.models\.explorer.*not a stage/],
    [{ temperature: 0 }, /llm\.temperature.*not a known field/],
    ['anthropic', /input\.llm must be a JSON object/],
  ])('refuses the model settings %j before any server starts, naming the field', async (llm, expected) => {
    const handle = await startRun(client(), config, uniqueId('bad-llm'), { server: memoryServer, subDagCount: 2, llm });
    const failure = await handle.result().catch((error: WorkflowFailedError) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(expected);
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled.filter((name) => name !== 'prepareRun')).toEqual([]);
  });

  it('refuses workflow options out of range, naming the field', async () => {
    const handle = await startRun(client(), config, uniqueId('bad-input'), { server: { name: 'x', command: 'node' }, subDagCount: 0 });
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const failure = await handle.result().catch((error: WorkflowFailedError) => error);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(/input\.subDagCount/);
  });
});
