import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun } from '../../src/run-client.js';
import type { RunSummary } from '../../src/api.js';
import { launchBrowser, offlinePage, screenshot } from '../helpers/browser.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

interface TaskRow {
  id: string;
  instruction: string;
  /** JSON text of the answer object. */
  answer: string;
  trajectory: Array<{ tool: string; links: unknown[] }>;
}

/** Pixels of a canvas that something was drawn on. */
function drawnPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) drawn += 1;
    return drawn;
  });
}

/** A demo-like run's report.html, opened from disk in headless Chromium with every network request refused. */
describe('report.html', () => {
  const { config, client } = useTestWorker('report');
  let browser: Browser;
  let summary: RunSummary;
  beforeAll(async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    [browser, summary] = await Promise.all([launchBrowser(), startRun(client(), config, uniqueId('report'), { ...input, subDagCount: 8 }).then((h) => h.result() as Promise<RunSummary>)]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the graph, funnel and task list with the run’s counts, offline, and searches the tasks', async () => {
    const rows = readFileSync(join(summary.dataset.dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TaskRow);
    expect(rows.length).toBe(summary.dataset.tasks);
    const { page, refused } = await offlinePage(browser);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.setViewport({ width: 1360, height: 900 });
    await page.goto(`file://${join(summary.dataset.dir, 'report.html')}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });

    // The tool graph: every tool and edge of the run, drawn by Cytoscape.
    expect(await page.$eval('#graph', (g) => ({ nodes: Number((g as HTMLElement).dataset.nodes), edges: Number((g as HTMLElement).dataset.edges) }))).toEqual({
      nodes: summary.tools.discovered,
      edges: summary.graph.edges,
    });
    expect(await page.$$eval('#graph canvas', (canvases) => canvases.length)).toBeGreaterThan(0);
    expect(await page.$eval('#graph-coverage', (p) => p.textContent)).toContain(`of ${summary.tools.discovered} tools called in episodes`);

    // The funnel: the summary's counts, and a drawn chart.
    const funnel = Object.fromEntries(await page.$$eval('#funnel-values tr', (trs) => trs.map((tr) => [tr.getAttribute('data-step'), Number(tr.lastElementChild!.textContent!.replace(/,/g, ''))])));
    expect(funnel).toMatchObject({
      tools: summary.tools.discovered,
      usable: summary.tools.usable,
      edges: summary.graph.edges,
      subDags: summary.subDags.total,
      episodes: summary.subDags.explored,
      calls: summary.calls,
      candidates: summary.tasks.candidates,
      verified: summary.tasks.verified,
      exported: summary.dataset.tasks,
    });
    expect(await drawnPixels(page, '#funnel-chart')).toBeGreaterThan(1_000);
    expect(await drawnPixels(page, '#calls-chart')).toBeGreaterThan(1_000);

    // The task list: every exported task; the first one's trajectory drawn with its links.
    expect(await page.$$eval('#task-list li', (items) => items.length)).toBe(rows.length);
    expect(await page.$eval('#task-detail h3', (h) => h.textContent)).toBe(rows[0]!.instruction);
    const links = rows[0]!.trajectory.reduce((n, step) => n + step.links.length, 0);
    expect(await page.$eval('#trajectory', (t) => Number((t as HTMLElement).dataset.links))).toBe(links);

    // Searching by a word of an answer keeps exactly the tasks whose instruction, answer or tools hold it.
    const word = String(Object.values(JSON.parse(rows[rows.length - 1]!.answer) as Record<string, unknown>)[0]).split(/\s+/)[0]!.toLowerCase();
    const text = (r: TaskRow) => [r.id, r.instruction, ...Object.entries(JSON.parse(r.answer) as Record<string, unknown>).flat().map(String), ...r.trajectory.map((s) => s.tool)].join(' ').toLowerCase();
    const expected = rows.filter((r) => text(r).includes(word)).length;
    expect(expected).toBeLessThan(rows.length);
    await page.type('#task-search', word);
    expect(await page.$$eval('#task-list li', (items) => items.length)).toBe(expected);
    expect(await page.$eval('#task-count', (s) => s.textContent)).toBe(`${expected} of ${rows.length} tasks`);
    await page.$eval('#task-search', (input) => ((input as HTMLInputElement).value = ''));
    await page.type('#task-search', 'no task says zzqx');
    expect(await page.$$eval('#task-list li', (items) => items.length)).toBe(0);
    expect(await page.$eval('#task-detail', (d) => d.textContent)).toContain('No task matches');
    await page.$eval('#task-search', (input) => {
      (input as HTMLInputElement).value = '';
      input.dispatchEvent(new Event('input'));
    });

    await screenshot(page, 'report.png');
    await screenshot(page, 'report-graph.png', '#graph-section');
    await screenshot(page, 'report-tasks.png', '#tasks-section');
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });
});
