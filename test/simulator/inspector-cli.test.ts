import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JsonObject } from '../../src/domain.js';
import { recordMemoryRun, type RecordedRun } from './record-memory-run.js';

const run = promisify(execFile);
/** The inspector's CLI entry; it is also its working directory (see below). */
const inspectorDir = dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/build/index.js'));
/** The `firefly` bin, which starts from any directory. */
const fireflyBin = join(PROJECT_ROOT, 'src', 'cli', 'firefly.mjs');

/**
 * Runs the MCP Inspector CLI against `firefly simulate` over stdio and parses its JSON output.
 * Its working directory is its own build folder: inspector-cli 1.0.3 looks for `../package.json`
 * relative to the working directory but imports it relative to its module, and fails anywhere else.
 */
async function inspect(datasetDir: string, ...method: string[]): Promise<JsonObject> {
  const { stdout } = await run(
    process.execPath,
    [join(inspectorDir, 'index.js'), process.execPath, fireflyBin, ...method, '--', 'simulate', '--dataset', datasetDir],
    { cwd: inspectorDir, timeout: 60_000 },
  );
  return JSON.parse(stdout) as JsonObject;
}

describe('firefly simulate with the MCP Inspector CLI as an independent client', () => {
  let recorded: RecordedRun;
  beforeAll(async () => {
    recorded = await recordMemoryRun();
  });
  afterAll(() => recorded?.cleanup());

  it('lists the simulated tools', async () => {
    const output = await inspect(recorded.datasetDir, '--method', 'tools/list');
    const tools = output.tools as Array<{ name: string; inputSchema: JsonObject }>;
    expect(tools.map((t) => t.name)).toEqual(recorded.input.tools.map((t) => t.name));
    expect(tools.find((t) => t.name === 'search_nodes')?.inputSchema).toEqual(recorded.input.tools.find((t) => t.name === 'search_nodes')?.inputSchema);
  });

  it('calls a recorded tool and gets the recorded result, marked exact', async () => {
    const call = recorded.input.calls.find((c) => c.tool === 'search_nodes' && c.phase === 'explore' && c.subDagIndex >= 0)!;
    const output = await inspect(recorded.datasetDir, '--method', 'tools/call', '--tool-name', 'search_nodes', '--tool-arg', `query=${call.arguments.query as string}`);
    const { _meta: meta, ...result } = output;
    expect(meta).toMatchObject({ 'firefly/provenance': 'exact', 'firefly/similarity': 1 });
    expect(result).toEqual(call.result);
  });
});
