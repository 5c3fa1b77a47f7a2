import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { REPORT_FILE } from '../report/write-report.js';
import { UsageError } from './usage-error.js';

export const REPORT_USAGE = `usage: firefly report DIR [--port N] [--path]

Serves a dataset's report (DIR/report.html: its tool graph, funnel, rejections, distributions and
task list) on 127.0.0.1 and prints the URL; the file also opens as it is, with no network.
  DIR        the dataset directory a run's export wrote
  --port N   port to serve on (default 0: pick a free one)
  --path     print the file's path and exit instead of serving it`;

export interface ReportOptions {
  file: string;
  port: number;
  pathOnly: boolean;
}

export function parseReportOptions(argv: string[]): ReportOptions {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { port: { type: 'string' }, path: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError(`report needs one dataset directory, got ${positionals.length}: firefly report data/datasets/<run-id>`);
  const dir = resolve(positionals[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`DIR ${dir} is not a directory: give the dataset directory a run exported (the run summary's dataset.dir)`);
  const file = resolve(dir, REPORT_FILE);
  if (!existsSync(file)) throw new UsageError(`${dir} has no ${REPORT_FILE}: it is not a dataset, or it was exported before reports existed (export the run again to add one)`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(values.port)}`);
  return { file, port, pathOnly: values.path === true };
}

/** Prints the report's path, or serves it until the process is stopped; resolves with the server once it listens. */
export async function runReport(options: ReportOptions, out: NodeJS.WritableStream = process.stdout): Promise<Server | undefined> {
  if (options.pathOnly) {
    out.write(`${options.file}\n`);
    return undefined;
  }
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url !== '/' && request.url !== `/${REPORT_FILE}`)) {
      response.writeHead(404).end();
      return;
    }
    // Read on every request: a dataset exported again shows its new report on reload.
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(options.file));
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(options.port, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  out.write(`report: http://127.0.0.1:${port}/\n  file: ${pathToFileURL(options.file).href}\n  (Ctrl-C stops serving)\n`);
  return server;
}
