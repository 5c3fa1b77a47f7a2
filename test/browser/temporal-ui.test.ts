import { defineQuery } from '@temporalio/workflow';
import { WorkflowFailedError } from '@temporalio/client';
import { resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { readRunInput, startRun, webUiLink } from '../../src/run-client.js';
import { progressQuery, searchAttributes, subDagWorkflowId, type RunSummary } from '../../src/api.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

const metadataQuery = defineQuery<{ currentDetails?: string }>('__temporal_workflow_metadata');
/** A server that starts and lists no tools: the run fails while discovering. */
const toolless = { name: 'toolless', command: 'node', args: ['${bin:tsx}', '${project}/test/mcp/fixtures/hostile-server.ts'], env: { HOSTILE_TOOLS: 'none' } };

/** What a person sees of runs in the Temporal Web UI of the dev server, checked through the API and in a real browser. */
describe('the Temporal Web UI explains a run', () => {
  const { config, client } = useTestWorker('web-ui');
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Opens a run's page on one of its tabs and returns the text of the page and its frames (the Web UI
   * renders user metadata in iframes) once it contains `expected`, or after 30 s.
   */
  async function tabText(workflowId: string, tab: string, expected: string, shot: string): Promise<string> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1360, height: 900 });
    await page.goto(webUiLink(config, workflowId), { waitUntil: 'load', timeout: 60_000 });
    await (await page.waitForSelector(`::-p-text(${tab})`, { timeout: 30_000 }))!.click();
    let text = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !text.includes(expected); ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const frames = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
      text = frames.join('\n').replace(/’/g, "'");
    }
    await screenshot(page, shot);
    await page.close();
    return text;
  }

  it('a completed run shows its summary and details; each child its number and tools', async () => {
    const input = await readRunInput(resolve(PROJECT_ROOT, 'examples/memory.json'));
    const workflowId = uniqueId('ui-done');
    const handle = await startRun(client(), config, workflowId, { ...input, subDagCount: 3, seed: 5 });
    const summary = (await handle.result()) as RunSummary;

    const described = await handle.describe();
    expect(await described.staticSummary()).toBe(`memory · 3 sub-DAGs · seed 5 · worker's default planner`);
    expect(await described.staticDetails()).toContain('| seed | 5 |');
    const { currentDetails } = await handle.query(metadataQuery);
    expect(currentDetails).toContain('**memory**: done (offline planner)');
    expect(currentDetails).toContain(`calls: ${summary.calls} (`);

    // Children are numbered as their IDs are, and name their tools as the store recorded them.
    const subDags = await Promise.all([0, 1, 2].map((i) => client().workflow.getHandle(subDagWorkflowId(workflowId, i)).describe()));
    const childSummaries = await Promise.all(subDags.map((d) => d.staticSummary()));
    childSummaries.forEach((text, i) => expect(text).toMatch(new RegExp(`^sub-DAG ${i} \\(0–2\\): \\w+( → \\w+)+`)));

    const text = await tabText(workflowId, 'User Metadata', 'done (offline planner)', 'temporal-ui-completed.png');
    expect(text).toContain('memory · 3 sub-DAGs · seed 5');
    expect(text).toContain('FireFly dataset generation');
    expect(text).toContain('done (offline planner)');
  });

  it('a failed run ends in stage `failed`, keeping the stage it failed in', async () => {
    const workflowId = uniqueId('ui-failed');
    const handle = await startRun(client(), config, workflowId, { server: toolless, subDagCount: 2 });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);

    const progress = await handle.query(progressQuery);
    expect(progress.stage).toBe('failed');
    expect(progress.failure).toMatchObject({ stage: 'discovering', message: expect.stringContaining('lists no tools') });
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.stage)).toBe('failed');
    // The query the README gives for running generations does not list it.
    const running = client().workflow.list({ query: `WorkflowId="${workflowId}" AND ExecutionStatus="Running"` });
    for await (const _ of running) expect.fail('a failed run is listed as running');

    const text = await tabText(workflowId, 'Search Attributes', '"FireflyStage": "failed"', 'temporal-ui-failed.png');
    expect(text).toContain('"FireflyStage": "failed"');
  });
});
