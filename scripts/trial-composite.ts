import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT, runtimeConfig } from '../src/config.js';
import { connectClient, startRun } from '../src/run-client.js';
import { compositeSpecInput } from '../src/mcp/composite-spec.js';
import type { RunSummary } from '../src/api.js';
import { createFireflyWorker } from '../worker.js';
const config = runtimeConfig();
Runtime.install({ logger: new DefaultLogger('WARN') });
const worker = await createFireflyWorker(config);
const client = await connectClient(config);
const files = process.argv.slice(2);
const members = files.map((f) => JSON.parse(readFileSync(resolve(PROJECT_ROOT, f), 'utf8')).server);
try {
  const summary = (await (await startRun(client, config, `trial-cross-${Date.now()}`, { server: compositeSpecInput('cross', members), subDagCount: 16, seed: 1, allowDestructive: true })).result()) as RunSummary;
  console.log(JSON.stringify(summary, null, 1).slice(0, 3000));
} finally { await worker.shutdown(); }
