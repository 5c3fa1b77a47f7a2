import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../domain.js';
import { memberOf, memberToolName } from './composite-spec.js';
import type { CallOutcome, ListedTool, McpSession, SessionOptions } from './session.js';
import type { CompositeServerSpec } from './spec.js';

/**
 * One session over every member of a composite: each member's server runs in `<sandbox>/<member>`,
 * its tools listed as `<member>__<tool>`, and each call goes to the member whose tool it names.
 */
export async function openCompositeSession(
  spec: CompositeServerSpec,
  options: SessionOptions,
  openMember: (spec: CompositeServerSpec['servers'][number], options: SessionOptions) => Promise<McpSession>,
): Promise<McpSession> {
  // Members start side by side: an instance is ready when its slowest member is.
  const started = await Promise.allSettled(
    spec.servers.map(async (member) => {
      const sandboxDir = join(options.sandboxDir, member.name);
      await mkdir(sandboxDir, { recursive: true });
      return openMember(member, { ...options, sandboxDir });
    }),
  );
  const opened = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    // A member that cannot start fails the whole instance: close those already running.
    await Promise.all(opened.map((session) => session.close()));
    throw inMember((started[failed] as PromiseRejectedResult).reason, spec.servers[failed]!.name, failed);
  }
  return new CompositeSession(spec, opened);
}

class CompositeSession implements McpSession {
  constructor(
    readonly spec: CompositeServerSpec,
    private readonly members: McpSession[],
  ) {}

  get alive(): boolean {
    return this.members.every((m) => m.alive);
  }

  stderrTail(): string {
    return this.members.map((m) => m.stderrTail() && `[${m.spec.name}] ${m.stderrTail()}`).filter(Boolean).join('\n');
  }

  async listTools(): Promise<ListedTool[]> {
    const lists = await Promise.all(this.members.map(async (m) => (await m.listTools()).map((tool) => ({ ...tool, name: memberToolName(m.spec.name, tool.name), server: m.spec.name }))));
    return lists.flat();
  }

  async call(tool: string, args: JsonObject, options?: { timeoutMs?: number }): Promise<CallOutcome> {
    const target = memberOf(this.spec, tool);
    const session = target && this.members.find((m) => m.spec.name === target.member.name);
    if (!target || !session) {
      return { result: { error: { code: -32602, message: `Unknown tool: ${tool}` } }, isError: true, errorKind: 'mcp-error', latencyMs: 0 };
    }
    return session.call(target.tool, args, options);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()));
  }
}

/** The member's own error, its type (and so whether it is retried) kept, saying which member it is. */
function inMember(error: unknown, member: string, index: number): unknown {
  if (error instanceof Error) error.message = `member "${member}" (server.servers[${index}]): ${error.message}`;
  return error;
}
