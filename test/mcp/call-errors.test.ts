import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSpec, FIXTURE_TOOLS, fixtureSpec, processExists, sandboxes, type Sandboxes } from './helpers.js';

/** Every CallErrorKind, each produced by a real server process. */
describe('call outcomes', () => {
  let boxes: Sandboxes;
  beforeAll(async () => {
    boxes = await sandboxes();
  });
  afterAll(() => boxes.cleanup());

  it('a successful call has no error kind and keeps the raw result', async () => {
    const { session } = await boxes.open(await exampleSpec('everything'));
    const outcome = await session.call('get-structured-content', { location: 'Chicago' });
    expect(outcome.errorKind).toBeUndefined();
    expect(outcome.isError).toBe(false);
    expect(outcome.result).toMatchObject({ content: [{ type: 'text' }], structuredContent: { conditions: 'Light rain / drizzle' } });
    expect(outcome.latencyMs).toBeGreaterThan(0);
  });

  it('is-error: bad arguments come back as an isError result with MCP error -32602 text', async () => {
    const { session } = await boxes.open(await exampleSpec('memory'));
    const outcome = await session.call('create_entities', {});
    expect(outcome).toMatchObject({ isError: true, errorKind: 'is-error', result: { isError: true } });
    expect(JSON.stringify(outcome.result)).toContain('MCP error -32602');
  });

  it('is-error: an unknown tool is an isError result too (McpServer wraps the McpError)', async () => {
    const { session } = await boxes.open(await exampleSpec('filesystem'));
    expect(await session.call('no_such_tool', {})).toMatchObject({ errorKind: 'is-error' });
  });

  it('failure-in-result: the task manager answers {"status": "error"} in a normal result', async () => {
    const { session } = await boxes.open(await exampleSpec('taskmanager'));
    const outcome = await session.call('get_next_task', { requestId: 'req-404' });
    expect(outcome).toMatchObject({ isError: true, errorKind: 'failure-in-result' });
    expect(outcome.result).not.toHaveProperty('isError');
  });

  it('failure-in-result: {"success": false} from the fixture', async () => {
    const { session } = await boxes.open(fixtureSpec);
    expect(await session.call(FIXTURE_TOOLS.softFail, {})).toMatchObject({ errorKind: 'failure-in-result' });
  });

  // The message is recorded as sent: an SDK server puts "MCP error <code>: " into it itself.
  it('mcp-error: a JSON-RPC error reply keeps its code, message and data', async () => {
    const { session } = await boxes.open(fixtureSpec);
    const outcome = await session.call(FIXTURE_TOOLS.rejectWithMcpError, {});
    expect(outcome).toMatchObject({
      isError: true,
      errorKind: 'mcp-error',
      result: { error: { code: -32600, message: 'MCP error -32600: quota for this tool is exhausted', data: { retryAfterSeconds: 60 } } },
    });
    expect(session.alive).toBe(true);
  });

  it('timeout: no reply within timeoutMs, and the session stays usable', async () => {
    const { session } = await boxes.open(fixtureSpec);
    const outcome = await session.call(FIXTURE_TOOLS.hang, {}, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ isError: true, errorKind: 'timeout' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(300);
    expect(session.alive).toBe(true);
    expect((await session.call(FIXTURE_TOOLS.whoami, {})).errorKind).toBeUndefined();
  });

  it('transport: the server dies mid-call; the session is dead and says how the process ended', async () => {
    const { session } = await boxes.open(fixtureSpec);
    const outcome = await session.call(FIXTURE_TOOLS.crash, {});
    expect(outcome).toMatchObject({ isError: true, errorKind: 'transport', result: { error: { exitCode: 9 } } });
    expect(JSON.stringify(outcome.result)).toContain('crashing on purpose');
    expect(session.alive).toBe(false);
    expect(await session.call(FIXTURE_TOOLS.whoami, {})).toMatchObject({ errorKind: 'transport' });
  });

  it('close ends the server even when it runs as a grandchild (node → tsx → server)', async () => {
    const { session } = await boxes.open(fixtureSpec);
    const { structuredContent } = (await session.call(FIXTURE_TOOLS.whoami, {})).result as { structuredContent: { pid: number } };
    expect(processExists(structuredContent.pid)).toBe(true);
    await session.close();
    expect(processExists(structuredContent.pid)).toBe(false);
  });
});
