import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAPER_FIGURES, type ReportData } from './report-data.js';

export const REPORT_FILE = 'report.html';

const require = createRequire(import.meta.url);
const page = (name: string) => fileURLToPath(new URL(`./page/${name}`, import.meta.url));
/** The libraries the page draws with, inlined so that the file opens with no network. */
const LIBRARIES = {
  // chart.js exports no path to its browser build: it sits beside the CommonJS entry.
  CHARTJS: join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
  CYTOSCAPE: require.resolve('cytoscape/dist/cytoscape.min.js'),
};

/** Writes `dir/report.html`: one self-contained page of the dataset's figures. Returns its path. */
export async function writeReport(dir: string, data: ReportData): Promise<string> {
  const parts: Record<string, string> = {
    STYLE: await readFile(page('report.css'), 'utf8'),
    DATA: scriptSafeJson(data),
    PAPER: scriptSafeJson(PAPER_FIGURES),
    CHARTJS: await library(LIBRARIES.CHARTJS),
    CYTOSCAPE: await library(LIBRARIES.CYTOSCAPE),
    REPORT: await readFile(page('report.js'), 'utf8'),
  };
  const template = await readFile(page('report.html'), 'utf8');
  // A function replacement, so that `$&` and friends in the inlined code stay as they are.
  const html = template.replace(/\/\*(STYLE|DATA|PAPER|CHARTJS|CYTOSCAPE|REPORT)\*\//g, (_, key: string) => parts[key]!);
  const path = join(dir, REPORT_FILE);
  await writeFile(path, html);
  return path;
}

/** A library's code, licence banner kept, without its source-map comment (the map is not inlined). */
async function library(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/m, '');
}

/** JSON that cannot end the script element it sits in, nor start a comment in it. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
