import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/api.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JsonObject } from '../../src/domain.js';
import { loadEnvDataset, type EnvDataset } from '../../src/env/env-dataset.js';
import { serveEnv, type EnvServing } from '../../src/env/ors-server.js';
import { checkRewardIntegrity, integrityHolds } from '../../src/env/reward-integrity.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const run = promisify(execFile);
/** A tasks.jsonl row, its JSON-text fields parsed. */
interface Row { id: string; answer: JsonObject; offered: string[]; trajectory: Array<{ tool: string; arguments: JsonObject }> }

/**
 * A real run's dataset served as an RL environment, driven by clients nobody here wrote: the
 * official ORS Python client and TRL's OpenReward adapter (installed by scripts/ors-client.sh) and
 * the MCP SDK's streamable HTTP client on a per-episode endpoint.
 */
describe('firefly serve-env on a real dataset', () => {
  const { config, client } = useTestWorker('serve-env');
  let datasetDir: string;
  let dataset: EnvDataset;
  let serving: EnvServing;
  let rows: Row[];
  let python: string;

  beforeAll(async () => {
    const installing = run('bash', [join(PROJECT_ROOT, 'scripts/ors-client.sh')]);
    const input = { ...(await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'))), subDagCount: 8 };
    const summary = (await (await startRun(client(), config, uniqueId('serve-env'), input)).result()) as RunSummary;
    datasetDir = summary.dataset.dir;
    dataset = loadEnvDataset(datasetDir);
    rows = readFileSync(join(datasetDir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((line) => {
      const row = JSON.parse(line) as { id: string; answer: string; tools: Array<{ name: string }>; trajectory: Array<{ tool: string; arguments: string }> };
      return { id: row.id, answer: JSON.parse(row.answer), offered: row.tools.map((t) => t.name), trajectory: row.trajectory.map((s) => ({ tool: s.tool, arguments: JSON.parse(s.arguments) })) } as Row;
    });
    expect(rows.length).toBeGreaterThan(0);
    serving = await serveEnv(dataset, new Simulator(dataset.cache));
    python = (await installing).stdout.trim();
  }, 600_000);
  afterAll(async () => serving?.close());

  it('the openreward client lists splits and tasks, earns reward 1 on every task with its reference trajectory, 0 with a wrong answer', async () => {
    const { stdout } = await run(python, [join(PROJECT_ROOT, 'test/env/ors_reference_episodes.py'), serving.url, datasetDir, dataset.name], { timeout: 300_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      splits: string[]; counts: Record<string, number>; split: string;
      episodes: Array<{ reward: number; finished: boolean; provenance: string[]; tools: string[]; offered: string[]; prompt_has_instruction: boolean; after_finish: string | null; fields: Record<string, boolean>; agent_reads: string[] }>;
      wrong: Array<{ reward: number; finished: boolean; agent_reads: string[] }>;
    };
    expect(report.splits).toEqual(['train', 'test']);
    // Rows without a split are training data.
    expect(report.counts).toEqual({ train: rows.length, test: 0 });
    expect(report.episodes).toHaveLength(rows.length);
    for (const episode of report.episodes) {
      expect(episode).toMatchObject({ reward: 1, finished: true, prompt_has_instruction: true });
      expect(episode.provenance.every((p) => p === 'exact')).toBe(true);
      expect(episode.tools).toEqual([...episode.offered, 'submit']);
      expect(Object.values(episode.fields).every(Boolean)).toBe(true);
      expect(episode.after_finish).toMatch(/episode_finished/);
    }
    expect(report.wrong.every((w) => w.reward === 0 && w.finished)).toBe(true);
    // What the agent reads back says nothing of the verdict: right and wrong answers read alike.
    expect(new Set([...report.episodes, ...report.wrong].map((e) => JSON.stringify(e.agent_reads))).size).toBe(1);
    await expect.poll(() => serving.episodeCount(), { timeout: 5_000 }).toBe(0);
  }, 400_000);

  it("TRL's OpenReward adapter binds the tools and submit as methods and earns reward 1 on every train task with the reference", async () => {
    const { stdout } = await run(python, [join(PROJECT_ROOT, 'test/env/trl_reference_episodes.py'), serving.url, datasetDir, dataset.name], { timeout: 300_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { bound: string[]; episodes: Array<{ id: string; reward: number; finished: boolean; no_data: number }> };
    expect(report.bound).toEqual([...new Set(rows.flatMap((r) => r.offered))].sort().concat('submit').sort());
    const train = rows.filter((r) => (dataset.tasks.find((t) => t.id === r.id)?.split ?? 'train') === 'train');
    expect(report.episodes.map((e) => e.id).sort()).toEqual(train.map((r) => r.id).sort());
    for (const episode of report.episodes) expect(episode, episode.id).toMatchObject({ reward: 1, finished: true, no_data: 0 });
  }, 400_000);

  it('per-episode MCP: the task\'s tools only, its own state, no reward or answer reachable; the trainer submits', async () => {
    const row = rows.find((r) => r.trajectory.length > 1) ?? rows[0]!;
    const create = async () => (await (await fetch(`${serving.url}/episodes`, { method: 'POST', body: JSON.stringify({ task_id: row.id }) })).json()) as { episode_id: string; mcp_url: string; prompt: string };
    const [first, second] = [await create(), await create()];
    expect(first.episode_id).not.toBe(second.episode_id);
    const mcp = new Client({ name: 'trainer', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(first.mcp_url)));
    const other = new Client({ name: 'trainer', version: '1' });
    await other.connect(new StreamableHTTPClientTransport(new URL(second.mcp_url)));
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((t) => t.name)).toEqual(row.offered);
      await expect(mcp.callTool({ name: 'submit', arguments: row.answer })).rejects.toThrow(/Unknown tool "submit"/);
      for (const step of row.trajectory) {
        const result = await mcp.callTool({ name: step.tool, arguments: step.arguments });
        expect(result._meta?.['firefly/provenance']).toBe('exact');
        expect(JSON.stringify(result)).not.toMatch(/reward/);
      }
      // The other episode was not moved by these calls: its first call is answered in the start state.
      const untouched = await other.callTool({ name: row.trajectory[0]!.tool, arguments: row.trajectory[0]!.arguments });
      expect(untouched._meta?.['firefly/provenance']).toBe('exact');
      const submit = async (id: string, answer: JsonObject) => (await fetch(`${serving.url}/episodes/${id}/submit`, { method: 'POST', body: JSON.stringify({ answer }) })).json();
      expect(await submit(first.episode_id, row.answer)).toMatchObject({ reward: 1 });
      expect(await submit(second.episode_id, {})).toMatchObject({ reward: 0 });
      // Submitted episodes are over: their MCP endpoint is gone.
      expect((await fetch(first.mcp_url, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await mcp.close();
      await other.close();
    }
  });

  it('passes the reward-integrity check: the reference earns 1 on every task, no hack earns reward under the strict policy', async () => {
    const report = await checkRewardIntegrity(dataset);
    expect(report.referenceRewarded.strict).toBe(rows.length);
    expect(integrityHolds(report)).toBe(true);
    // The export ran the same check and recorded it in the manifest.
    const manifest = JSON.parse(readFileSync(join(datasetDir, 'manifest.json'), 'utf8')) as { reward_integrity: { holds: boolean; tasks: number; reference_rewarded: { strict: number } } };
    expect(manifest.reward_integrity).toMatchObject({ holds: true, tasks: rows.length, reference_rewarded: { strict: rows.length } });
  });
});
