import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { EXAMPLES, exampleSpec, PROJECT_ROOT, sandboxes, type ExampleName, type Sandboxes } from './helpers.js';

const EXPECTED_TOOLS: Record<ExampleName, number> = { memory: 9, filesystem: 14, taskmanager: 10, everything: 13 };

describe('the development servers', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it.each(EXAMPLES)('%s starts from its example spec, lists its tools and accepts its setup calls', async (name) => {
    const spec = await exampleSpec(name);
    const { session, sandboxDir } = await boxes.open(spec);
    expect(await session.listTools()).toHaveLength(EXPECTED_TOOLS[name]);
    for (const [i, call] of spec.setup.entries()) {
      const args = resolveArguments(call.arguments, `server.setup[${i}].arguments`, { sandboxDir, projectRoot: PROJECT_ROOT, env: process.env });
      const outcome = await session.call(call.tool, args);
      expect(outcome, `setup[${i}] ${call.tool}`).toMatchObject({ isError: false });
    }
    await session.close();
    expect(session.alive).toBe(false);
    await session.close();
  });
});
