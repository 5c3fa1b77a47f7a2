import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeSpecInput } from '../../src/mcp/composite-spec.js';
import { SpecError } from '../../src/mcp/errors.js';
import { resolveArguments } from '../../src/mcp/resolve.js';
import { parseServerSpec, type CompositeServerSpec } from '../../src/mcp/spec.js';
import { PROJECT_ROOT, readExample, sandboxes, type Sandboxes } from './helpers.js';

async function composite(): Promise<CompositeServerSpec> {
  const members = await Promise.all((['memory', 'taskmanager'] as const).map(async (name) => (await readExample(name)).server));
  return parseServerSpec(compositeSpecInput('pair', members)) as CompositeServerSpec;
}

describe('a composite server', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it("offers every member's tools as <member>__<tool>, each call going to its member, in the member's own sandbox", async () => {
    const spec = await composite();
    const { session, sandboxDir } = await boxes.open(spec);
    const names = (await session.listTools()).map((t) => t.name);
    expect(names).toHaveLength(9 + 10);
    expect(names).toContain('memory__read_graph');
    expect(names).toContain('taskmanager__list_requests');

    // The setup is both members', renamed: it seeds each member's own state.
    expect(spec.setup.map((c) => c.tool)).toEqual(['memory__create_entities', 'memory__create_relations', 'taskmanager__request_planning', 'taskmanager__request_planning']);
    for (const [i, call] of spec.setup.entries()) {
      const args = resolveArguments(call.arguments, `server.setup[${i}].arguments`, { sandboxDir, projectRoot: PROJECT_ROOT, env: process.env });
      expect(await session.call(call.tool, args), call.tool).toMatchObject({ isError: false });
    }
    const graph = await session.call('memory__read_graph', {});
    expect(JSON.stringify(graph.result)).toContain('Ada Lovelace');
    const requests = await session.call('taskmanager__list_requests', {});
    expect(JSON.stringify(requests.result)).toContain('billing service');
    expect(existsSync(join(sandboxDir, 'memory', 'memory.jsonl'))).toBe(true);
    expect(existsSync(join(sandboxDir, 'taskmanager', 'tasks.json'))).toBe(true);

    expect(await session.call('nobody__read_graph', {})).toMatchObject({ isError: true, errorKind: 'mcp-error' });
    await session.close();
    expect(session.alive).toBe(false);
  });

  it('a member that cannot start fails the instance, and the others are closed', async () => {
    const spec = parseServerSpec(compositeSpecInput('broken', [{ name: 'ok', command: 'node', args: ['${bin:@modelcontextprotocol/server-memory}'] }, { name: 'gone', command: 'no-such-command-here' }]));
    await expect(boxes.open(spec)).rejects.toThrow(/gone/);
  });

  it("names a member's bad field where it sits in the composite", () => {
    const bad = () => parseServerSpec(compositeSpecInput('bad', [{ name: 'a', command: 'node' }, { name: 'b', command: 'node', callTimeoutMs: -1 }]));
    expect(bad).toThrow(SpecError);
    expect(bad).toThrow(/server\.servers\[1\]\.callTimeoutMs/);
    expect(() => parseServerSpec(compositeSpecInput('dup', [{ name: 'a', command: 'node' }, { name: 'a', command: 'node' }]))).toThrow(/server\.servers\[1\]\.name/);
    expect(() => parseServerSpec(compositeSpecInput('one', [{ name: 'a', command: 'node' }]))).toThrow(/two or more/);
  });

  it("rewrites a member's sandbox paths into its part of the composite's sandbox", () => {
    const spec = parseServerSpec(
      compositeSpecInput('paths', [
        { name: 'files', command: 'node', argumentHints: { path: ['${sandbox}/notes.md'], 'read_file.path': ['${sandbox}/a.md'] } },
        { name: 'other', command: 'node', argumentHints: { path: ['plain'] } },
      ]),
    );
    expect(spec.argumentHints).toEqual({ path: ['${sandbox}/files/notes.md', 'plain'], 'files__read_file.path': ['${sandbox}/files/a.md'] });
  });
});
