import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task, Verdict } from '../../../src/domain.js';
import { exportDataset, type ExportInput, type ExportSummary } from '../../../src/export/export-dataset.js';
import { anthropicRowErrors, openAiRowErrors, referenceOf, tasksRowErrors, verlRowErrors } from './format-checks.js';
import { memoryServerTools, memoryTask } from './fixtures/memory-task.js';
import { frontMatter, parseYamlSubset } from './yaml-subset.js';

type Row = Record<string, any>;
const DATA_FILES = ['tasks.jsonl', 'sft.openai.jsonl', 'sft.anthropic.jsonl', 'rl.jsonl'];

function tasks(): Task[] {
  const twoCalls = memoryTask();
  const threeCalls = memoryTask({
    entities: [{ name: 'Grace Hopper', entityType: 'person', observations: ['Wrote the first compiler'] }],
    newObservation: 'Kept a nanosecond of wire on her desk',
  });
  // open_nodes wants `names` as an array of strings; a bare string must keep the task out of the dataset.
  const invalid = memoryTask({ entities: [{ name: 'Alan Turing', entityType: 'person', observations: ['Proposed the imitation game'] }] });
  invalid.trajectory[1]!.arguments = { names: 'Alan Turing' };
  return [twoCalls, threeCalls, invalid];
}

function verdicts(exported: Task[]): Verdict[] {
  const passed = exported.flatMap((t) => (['grounded', 'replayable', 'no-leakage'] as const).map((check) => ({ taskId: t.id, check, passed: true, reason: 'ok' })));
  return [
    ...passed,
    { taskId: 'cand-leaky', check: 'no-leakage', passed: false, reason: 'the instruction names the answer "person"' },
    { taskId: 'cand-leaky', check: 'llm-judge', passed: false, reason: 'the answer is given away' },
    { taskId: 'cand-unreplayable', check: 'replayable', passed: false, reason: 'the simulator had no data for open_nodes' },
    { taskId: 'cand-dup', check: 'no-duplicate', passed: false, reason: 'same as an earlier task' },
  ];
}

/** A stand-in for the simulator's cache writer: deterministic bytes, and a record of where it wrote. */
function cacheWriter(paths: string[]) {
  return async (path: string) => {
    paths.push(path);
    await writeFile(path, Buffer.from('SQLite format 3\u0000 stand-in cache', 'latin1'));
  };
}

async function readLines(dir: string, name: string): Promise<Row[]> {
  const text = await readFile(join(dir, name), 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
}

describe('exportDataset', () => {
  let root: string;
  let dir: string;
  let docPath: string;
  let input: ExportInput;
  let summary: ExportSummary;
  const cachePaths: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'firefly-export-'));
    dir = join(root, 'nested', 'dataset');
    docPath = join(root, 'simulator-format.md');
    await writeFile(docPath, '# Simulator cache\n\nTable `calls`: one row per recorded call.\n');
    const all = tasks();
    input = {
      dir,
      run: { runId: 'run-memory-7f3a', server: 'memory', planner: 'offline', synthesizer: 'offline', judge: 'claude-test-judge' },
      tools: memoryServerTools(),
      setups: new Map([['run-memory-7f3a', []]]),
      tasks: all,
      verdicts: verdicts(all),
      candidates: 7,
      writeSimulatorCache: cacheWriter(cachePaths),
      simulatorCacheFormatDoc: docPath,
      pipelineVersion: '0.1.0',
    };
    summary = await exportDataset(input);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every file of the dataset and nothing else', async () => {
    const expected = ['README.md', 'SIMULATOR.md', 'manifest.json', 'rl.jsonl', 'rl.parquet', 'sft.anthropic.jsonl', 'sft.openai.jsonl', 'simulator.sqlite', 'tasks.jsonl'];
    expect((await readdir(dir)).sort()).toEqual(expected);
    expect(Object.keys(summary.files).sort()).toEqual(expected);
    // Written beside the dataset, then swapped in whole.
    expect(cachePaths).toEqual([join(`${dir}.staging`, 'simulator.sqlite')]);
    expect(await readFile(join(dir, 'SIMULATOR.md'), 'utf8')).toBe(await readFile(docPath, 'utf8'));
  });

  it('skips the task whose reference call violates its schema, with the reason, and exports the others', async () => {
    const invalid = input.tasks[2]!;
    expect(summary.skipped).toEqual([{ taskId: invalid.id, reason: expect.stringMatching(/step 1 \(open_nodes\).*arguments\/names must be array/) }]);
    for (const name of DATA_FILES) {
      const rows = await readLines(dir, name);
      expect(rows).toHaveLength(2);
      expect(JSON.stringify(rows)).not.toContain(invalid.id);
    }
    expect(summary.counts.skipped).toBe(1);
  });

  it('writes tasks.jsonl rows whose ground truth sits at its source path, ordered by task id', async () => {
    const rows = await readLines(dir, 'tasks.jsonl');
    for (const row of rows) expect(tasksRowErrors(row)).toEqual([]);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort());
    const row = rows.find((r) => r.trajectory.length === 3)!;
    expect(row.tools).toHaveLength(9);
    expect(row.tools).toContainEqual({ name: 'open_nodes', server: 'memory', tool: 'open_nodes' });
    expect(row.provenance).toEqual({ run_id: 'run-memory-7f3a', cross_server: null, servers: ['memory'], sub_dag: 3, synthesizer: 'offline', planner: 'offline' });
    expect(row.split).toBe('train');
    // No setup in this run: its episodes start in the simulator's initial state.
    expect(row.simulator).toEqual({ start_state: '' });
    const task = input.tasks.find((t) => t.id === row.id)!;
    // Results exactly as recorded: text content and structuredContent both kept.
    expect(row.trajectory.map((s: Row) => JSON.parse(s.result))).toEqual(task.trajectory.map((s) => s.result));
    expect(JSON.parse(row.answer)).toEqual({ entityType: 'person', observation: 'Kept a nanosecond of wire on her desk' });
  });

  it('writes OpenAI rows with string arguments that parse to the recorded objects and a tool message per call', async () => {
    const references = (await readLines(dir, 'tasks.jsonl')).map(referenceOf);
    const rows = await readLines(dir, 'sft.openai.jsonl');
    rows.forEach((row, i) => expect(openAiRowErrors(row, references[i]!)).toEqual([]));
    const tool = rows[0]!.messages.find((m: Row) => m.role === 'tool');
    // Structured output is serialised to a string, the object the ground-truth paths point into.
    expect(typeof tool.content).toBe('string');
    expect(JSON.parse(tool.content)).toHaveProperty('entities');
  });

  it('writes Anthropic rows with object inputs and the results in one user message right after each call', async () => {
    const references = (await readLines(dir, 'tasks.jsonl')).map(referenceOf);
    const rows = await readLines(dir, 'sft.anthropic.jsonl');
    rows.forEach((row, i) => expect(anthropicRowErrors(row, references[i]!)).toEqual([]));
  });

  it('writes verl rows whose ground truth is a string of the answer object', async () => {
    const references = (await readLines(dir, 'tasks.jsonl')).map(referenceOf);
    const rows = await readLines(dir, 'rl.jsonl');
    rows.forEach((row, i) => expect(verlRowErrors(row, references[i]!, i)).toEqual([]));
    expect(rows[0]!.data_source).toBe('firefly/memory');
    expect(rows[0]!.extra_info.reward).toEqual({ type: 'exact-fields', normalisation: 'numbers, case, whitespace, order-insensitive lists' });
  });

  it('gives every format the same prompts and the same call ids, row by row', async () => {
    const [taskRows, openai, anthropic, rl] = await Promise.all(DATA_FILES.map((name) => readLines(dir, name)));
    taskRows!.forEach((row, i) => {
      const ids = row.trajectory.map((s: Row) => s.call_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(openai![i]!.messages.flatMap((m: Row) => (m.tool_calls ?? []).map((c: Row) => c.id))).toEqual(ids);
      expect(anthropic![i]!.messages.flatMap((m: Row) => (Array.isArray(m.content) ? m.content : []).filter((b: Row) => b.type === 'tool_use').map((b: Row) => b.id))).toEqual(ids);
      const [system, user] = openai![i]!.messages as Row[];
      expect(rl![i]!.prompt).toEqual([
        { role: 'system', content: system!.content },
        { role: 'user', content: user!.content },
      ]);
      expect(anthropic![i]!.system).toBe(system!.content);
      expect(user!.content).toContain(row.instruction);
      expect(user!.content).toContain(row.answer_schema);
      expect(rl![i]!.extra_info.task_id).toBe(row.id);
    });
  });

  it('writes a manifest whose hashes and line counts match the files, and whose counts match the input', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Row;
    expect(Object.keys(manifest.files)).toEqual(Object.keys(summary.files).filter((n) => n !== 'manifest.json').sort());
    for (const [name, digest] of Object.entries(manifest.files as Record<string, Row>)) {
      const bytes = await readFile(join(dir, name));
      expect(digest.sha256, name).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(digest.lines, name).toBe(/\.(sqlite|parquet)$/.test(name) ? null : bytes.toString('utf8').split('\n').length - 1);
      expect(summary.files[name]).toEqual(digest);
    }
    const manifestBytes = await readFile(join(dir, 'manifest.json'));
    expect(summary.files['manifest.json']!.sha256).toBe(createHash('sha256').update(manifestBytes).digest('hex'));
    expect(manifest).toMatchObject({
      run_id: 'run-memory-7f3a',
      server: 'memory',
      pipeline_version: '0.1.0',
      planner: 'offline',
      synthesizer: 'offline',
      judge: 'claude-test-judge',
    });
    expect(manifest.counts).toEqual({
      candidates: 7,
      tasks: 2,
      skipped: 1,
      rejected_candidates: 3,
      rejected_by_check: { 'llm-judge': 1, 'no-duplicate': 1, 'no-leakage': 1, replayable: 1 },
      trajectories: 2,
      tool_calls: 5,
      mean_calls_per_task: 2.5,
      share_with_3_or_more_calls: 0.5,
      difficulty: { easy: 0, medium: 1, hard: 1 },
    });
    expect(manifest.skipped).toEqual([{ task_id: input.tasks[2]!.id, reason: summary.skipped[0]!.reason }]);
  });

  it('writes no timestamps', async () => {
    for (const name of [...DATA_FILES, 'manifest.json', 'README.md']) {
      expect(await readFile(join(dir, name), 'utf8'), name).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it('exports the same input to byte-identical files, whatever the order of tasks, tools and verdicts', async () => {
    const again = join(root, 'again');
    const second = await exportDataset({
      ...input,
      dir: again,
      tasks: [...input.tasks].reverse(),
      tools: [...input.tools].reverse(),
      verdicts: [...input.verdicts].reverse(),
      writeSimulatorCache: cacheWriter([]),
    });
    expect(second.files).toEqual(summary.files);
    for (const name of Object.keys(summary.files)) {
      expect((await readFile(join(again, name))).equals(await readFile(join(dir, name))), name).toBe(true);
    }
    // Into the same directory again: files are overwritten, not appended to.
    const third = await exportDataset(input);
    expect(third.files).toEqual(summary.files);
  });

  it('never truncates a dataset that exists: an export that dies half-way leaves the old one whole and checkable', async () => {
    const crashing = exportDataset({
      ...input,
      tasks: input.tasks.slice(0, 1),
      writeSimulatorCache: async (path) => {
        await writeFile(path, 'half a cache');
        throw new Error('worker killed');
      },
    });
    await expect(crashing).rejects.toThrow('worker killed');
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    for (const [name, { sha256 }] of Object.entries(manifest.files)) {
      expect(createHash('sha256').update(await readFile(join(dir, name))).digest('hex'), name).toBe(sha256);
    }
    // Killed between the swap's two renames: the next export puts the old one back first, then replaces it.
    await rename(dir, `${dir}.previous`);
    const again = await exportDataset(input);
    expect(again.files).toEqual(summary.files);
    expect((await readdir(join(root, 'nested'))).sort()).toEqual(['dataset']);
  });

  it('writes a card whose YAML header names every data file as a config', async () => {
    const card = await readFile(join(dir, 'README.md'), 'utf8');
    const header = parseYamlSubset(frontMatter(card)) as Row;
    expect(header.license).toBe('other');
    expect(header.task_categories).toEqual(expect.arrayContaining(['text-generation']));
    expect(header.tags).toEqual(expect.arrayContaining(['tool-calling', 'mcp']));
    const configs = header.configs as Row[];
    expect(configs.map((c) => c.config_name)).toEqual(['tasks', 'sft_openai', 'sft_anthropic', 'rl']);
    expect(configs.map((c) => c.data_files[0].path)).toEqual(DATA_FILES);
    for (const c of configs) expect(c.data_files).toEqual([{ split: 'train', path: expect.any(String) }]);
  });

  it('documents every column of every data file, the sandbox root and how to replay', async () => {
    const card = await readFile(join(dir, 'README.md'), 'utf8');
    for (const name of DATA_FILES) {
      const [row] = await readLines(dir, name);
      for (const column of Object.keys(row!)) expect(card, `${name}: ${column}`).toMatch(new RegExp(`\\| \`${column}[.\`\\[]`));
    }
    expect(card).toContain('`/workspace`');
    expect(card).toContain('npm run simulate -- --dataset DIR');
    expect(card).toContain('SIMULATOR.md');
    expect(card).toContain('| verified tasks exported | 2 |');
    expect(card).toContain('claude-test-judge');
  });

  it('writes empty data files, and no SIMULATOR.md, for a run without tasks or cache doc', async () => {
    const emptyDir = join(root, 'empty');
    const empty = await exportDataset({ ...input, dir: emptyDir, tasks: [], verdicts: [], candidates: 0, simulatorCacheFormatDoc: undefined, writeSimulatorCache: cacheWriter([]) });
    expect(empty.counts).toMatchObject({ tasks: 0, meanCallsPerTask: 0, shareWithThreeOrMoreCalls: 0 });
    for (const name of DATA_FILES) expect(empty.files[name]!.lines).toBe(0);
    expect(await readdir(emptyDir)).not.toContain('SIMULATOR.md');
    expect(parseYamlSubset(frontMatter(await readFile(join(emptyDir, 'README.md'), 'utf8')))).toHaveProperty('configs');
  });
});
