import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { parseServerSpec } from '../../src/mcp/spec.js';
import { PROJECT_ROOT, sandboxes, type Sandboxes } from './helpers.js';

const DIR = join(PROJECT_ROOT, 'examples/generality');
const SPECS = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** The generality suite's specs keep working: each server starts, lists tools, knows every excluded one, and accepts its setup. */
describe('the generality suite', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it('has at least four servers', () => {
    expect(SPECS.length).toBeGreaterThanOrEqual(4);
  });

  it.each(SPECS)('%s starts, lists its tools and accepts its setup calls', async (file) => {
    const spec = parseServerSpec((JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { server: unknown }).server);
    const { session, sandboxDir } = await boxes.open(spec);
    const names = (await session.listTools()).map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    for (const excluded of spec.exclude) expect(names, `exclude ${excluded}`).toContain(excluded);
    for (const [i, call] of spec.setup.entries()) {
      const args = resolveArguments(call.arguments, `server.setup[${i}].arguments`, { sandboxDir, projectRoot: PROJECT_ROOT, env: process.env });
      expect(await session.call(call.tool, args), `setup[${i}] ${call.tool}`).toMatchObject({ isError: false });
    }
    await session.close();
  });
});
