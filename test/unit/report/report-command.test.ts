import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseReportOptions, runReport } from '../../../src/cli/report.js';
import { UsageError } from '../../../src/cli/usage-error.js';

async function dataset(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'firefly-report-cmd-'));
  await writeFile(join(dir, 'report.html'), '<!doctype html><title>report</title>');
  return dir;
}

describe('firefly report', () => {
  it('refuses a command line that cannot work, saying what to give', async () => {
    const dir = await dataset();
    expect(() => parseReportOptions([])).toThrow(UsageError);
    expect(() => parseReportOptions([join(dir, 'missing')])).toThrow(/is not a directory/);
    expect(() => parseReportOptions([tmpdir()])).toThrow(/has no report\.html.*export the run again/);
    expect(() => parseReportOptions([dir, '--port', 'eighty'])).toThrow(/--port must be a whole number/);
  });

  it('prints the path with --path, and otherwise serves the page on loopback', async () => {
    const dir = await dataset();
    const printed = new PassThrough();
    await runReport(parseReportOptions([dir, '--path']), printed);
    expect(String(printed.read())).toBe(`${join(dir, 'report.html')}\n`);

    const out = new PassThrough();
    const server = (await runReport(parseReportOptions([dir]), out))!;
    try {
      const url = /report: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(String(out.read()))![1]!;
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('<!doctype html><title>report</title>');
      expect((await fetch(`${url}../etc/passwd`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
