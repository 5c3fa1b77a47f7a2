import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiscoveredTool, RecordedCall, Task, Verdict } from '../../../src/domain.js';
import { serverRow, type ServerRecords } from '../../../src/report/server-row.js';
import { writeReport } from '../../../src/report/write-report.js';

const tool = (name: string, usable = true): DiscoveredTool => ({ name, description: name, usable, inputSchema: { type: 'object' } }) as DiscoveredTool;
const call = (subDagIndex: number, step: number, name: string, latencyMs: number, extra: Partial<RecordedCall> = {}): RecordedCall => ({
  runId: 'r',
  subDagIndex,
  step,
  phase: 'explore',
  tool: name,
  arguments: {},
  result: {},
  isError: false,
  latencyMs,
  links: [],
  planner: 'offline',
  ...extra,
});
const verdict = (taskId: string, check: Verdict['check'], passed: boolean, reason = 'ok'): Verdict => ({ taskId, check, passed, reason });

function records(): ServerRecords {
  return {
    server: 'memory',
    runId: 'r',
    planner: 'offline',
    tools: [tool('create'), tool('read'), tool('delete'), tool('admin', false)],
    edges: [
      { from: 'create', to: 'read', confidence: 'high', mappings: [], judge: 'offline', reason: '' },
      { from: 'create', to: 'delete', confidence: 'medium', mappings: [], judge: 'offline', reason: '' },
      { from: 'read', to: 'delete', confidence: 'low', mappings: [], judge: 'offline', reason: '' },
    ],
    subDags: [
      { index: 0, key: 'a', tools: ['create', 'read'], edges: [{ from: 'create', to: 'read', confidence: 'high', mappings: [] }], shape: 'chain' },
      { index: 1, key: 'b', tools: ['create', 'delete'], edges: [{ from: 'create', to: 'delete', confidence: 'medium', mappings: [] }], shape: 'chain' },
    ],
    episodes: [
      { runId: 'r', subDagIndex: 0, status: 'done', planner: 'offline', calls: 2, errors: 0, linkedCalls: 1 },
      { runId: 'r', subDagIndex: 1, status: 'done', planner: 'offline', calls: 2, errors: 1, linkedCalls: 0 },
      { runId: 'r', subDagIndex: -1, status: 'done', planner: 'offline', calls: 3, errors: 0, linkedCalls: 0 },
    ],
    calls: [
      call(-1, 0, 'admin', 500),
      call(0, 0, 'create', 10),
      call(0, 1, 'read', 2, { links: [{ argument: 'id', fromStep: 0, outputPath: 'id', value: 'x' }] }),
      call(1, 0, 'create', 30),
      call(1, 1, 'delete', 4, { isError: true }),
    ],
    candidates: [{ id: 't1', instruction: 'Read what was created' }, { id: 't2', instruction: 'Delete it' }, { id: 't3', instruction: 'Delete it again' }] as Task[],
    verdicts: [verdict('t1', 'grounded', true), verdict('t2', 'grounded', true), verdict('t2', 'no-leakage', false, 'names the answer'), verdict('t3', 'no-leakage', false, 'names it too'), verdict('t3', 'replayable', false, 'no data')],
    broken: ['delete'],
    exported: 1,
  };
}

describe('a server’s row of the report', () => {
  it('marks the tools and edges the run explored, and the broken ones', () => {
    const row = serverRow(records());
    expect(row.tools.map((t) => [t.name, t.explored, t.broken, t.usable])).toEqual([
      ['create', true, false, true],
      ['read', true, false, true],
      ['delete', true, true, true],
      ['admin', false, false, false],
    ]);
    expect(row.edges.map((e) => [e.from, e.to, e.sampled, e.explored])).toEqual([
      ['create', 'read', true, true],
      ['create', 'delete', true, false],
      ['read', 'delete', false, false],
    ]);
  });

  it('counts the funnel as the run summary does, probe episodes and calls left out', () => {
    expect(serverRow(records()).funnel).toEqual({ tools: 4, usable: 3, edges: 3, subDags: 2, episodes: 2, calls: 4, candidates: 3, verified: 1, exported: 1 });
  });

  it('gives each check its rejections with examples, most first', () => {
    expect(serverRow(records()).rejections).toEqual([
      { check: 'no-leakage', count: 2, examples: [{ taskId: 't2', instruction: 'Delete it', reason: 'names the answer' }, { taskId: 't3', instruction: 'Delete it again', reason: 'names it too' }] },
      { check: 'replayable', count: 1, examples: [{ taskId: 't3', instruction: 'Delete it again', reason: 'no data' }] },
    ]);
  });

  it('counts calls, errors and latency per tool', () => {
    expect(serverRow(records()).toolCalls).toEqual([
      { tool: 'create', calls: 2, errors: 0, medianMs: 10, p95Ms: 30 },
      { tool: 'delete', calls: 1, errors: 1, medianMs: 4, p95Ms: 4 },
      { tool: 'read', calls: 1, errors: 0, medianMs: 2, p95Ms: 2 },
    ]);
  });
});

describe('writeReport', () => {
  it('writes one file that loads nothing from elsewhere and cannot be broken out of by the data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firefly-report-'));
    const hostile = '</script><script>alert(1)</script>';
    const path = await writeReport(dir, { title: hostile, pipelineVersion: '0.0.0', servers: [serverRow(records())], tasks: [] });
    const html = await readFile(path, 'utf8');
    expect(path).toBe(join(dir, 'report.html'));
    expect(html).not.toContain(hostile);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toContain('sourceMappingURL');
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('Cytoscape Consortium');
    expect(JSON.parse(html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!).title).toBe(hostile);
  });
});
