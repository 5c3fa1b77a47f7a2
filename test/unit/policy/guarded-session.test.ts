import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/domain.js';
import type { CallOutcome, ListedTool, McpSession } from '../../../src/mcp/session.js';
import { parseServerSpec } from '../../../src/mcp/spec.js';
import { effectivePolicy } from '../../../src/policy/effective.js';
import { guardSession } from '../../../src/policy/guarded-session.js';
import { parsePolicy } from '../../../src/policy/parse.js';
import { PolicyRefusal } from '../../../src/policy/refusal.js';

/** A session that records what reaches it: the guard must stop refused calls before they do. */
function recordingSession(listed: ListedTool[]): McpSession & { reached: string[]; lists: number } {
  const reached: string[] = [];
  const session = {
    spec: parseServerSpec({ name: 'notes', command: 'node' }),
    alive: true,
    reached,
    lists: 0,
    stderrTail: () => '',
    listTools: async () => {
      session.lists += 1;
      return listed;
    },
    call: async (tool: string, _args: JsonObject): Promise<CallOutcome> => {
      reached.push(tool);
      return { result: { content: [] }, isError: false, latencyMs: 1 };
    },
    close: async () => undefined,
  };
  return session;
}

const listed: ListedTool[] = [
  { name: 'list_notes', description: '', inputSchema: { type: 'object' } },
  { name: 'delete_note', description: '', inputSchema: { type: 'object' }, annotations: { destructiveHint: true } },
  { name: 'drop_database', description: '', inputSchema: { type: 'object' } },
];
const policy = effectivePolicy('notes', { document: parsePolicy({ servers: { notes: { deny: ['drop_*'] } } }) });

describe('guardSession', () => {
  it('passes allowed calls through and throws PolicyRefusal, naming the tool and the policy, for refused ones', async () => {
    const inner = recordingSession(listed);
    const guarded = guardSession(inner, policy, new Map(listed.map((t) => [t.name, t])));
    await expect(guarded.call('list_notes', {})).resolves.toMatchObject({ isError: false });
    const denied = await guarded.call('drop_database', {}).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(PolicyRefusal);
    expect((denied as PolicyRefusal).retryable).toBe(false);
    expect((denied as Error).message).toMatch(/notes\/drop_database.*policy\.servers\.notes\.deny\[0\] "drop_\*" \(input\.policy\)/);
    await expect(guarded.call('delete_note', {})).rejects.toThrow(/notes\/delete_note.*destructive/);
    expect(inner.reached).toEqual(['list_notes']);
  });

  it('looks up the annotations of a tool it was not told about, so a destructive one cannot slip through', async () => {
    const inner = recordingSession(listed);
    const guarded = guardSession(inner, policy);
    await expect(guarded.call('delete_note', {})).rejects.toBeInstanceOf(PolicyRefusal);
    await expect(guarded.call('list_notes', {})).resolves.toMatchObject({ isError: false });
    expect(inner.reached).toEqual(['list_notes']);
    expect(inner.lists).toBe(1);
  });
});
