import type { JsonObject, ToolAnnotations } from '../domain.js';
import type { CallOutcome, ListedTool, McpSession } from '../mcp/session.js';
import { decide } from './decide.js';
import type { ServerPolicy } from './policy.js';
import { PolicyRefusal } from './refusal.js';

/**
 * Defence in depth: discovery already marks refused tools unusable, so nothing should ask for
 * them; this wrapper makes sure that nothing can. A refused call throws PolicyRefusal before the
 * call reaches the server, so probe, exploration and setup calls are all covered.
 */
export function guardSession(
  session: McpSession,
  policy: ServerPolicy,
  /** Annotations of the run's tools as discovered; a tool not among them is looked up in the server's own list. */
  tools: ReadonlyMap<string, { annotations?: ToolAnnotations }> = new Map(),
): McpSession {
  return new GuardedSession(session, policy, tools);
}

class GuardedSession implements McpSession {
  private listed: Promise<Map<string, ToolAnnotations | undefined>> | undefined;

  constructor(
    private readonly inner: McpSession,
    private readonly policy: ServerPolicy,
    private readonly tools: ReadonlyMap<string, { annotations?: ToolAnnotations }>,
  ) {}

  get spec() {
    return this.inner.spec;
  }

  get alive(): boolean {
    return this.inner.alive;
  }

  stderrTail(): string {
    return this.inner.stderrTail();
  }

  listTools(): Promise<ListedTool[]> {
    return this.inner.listTools();
  }

  async call(tool: string, args: JsonObject, options?: { timeoutMs?: number }): Promise<CallOutcome> {
    const annotations = await this.annotationsOf(tool);
    const decision = decide(this.policy, { name: tool, ...(annotations ? { annotations } : {}) });
    if (!decision.allowed) throw new PolicyRefusal(tool, this.policy.server, decision.reason);
    return this.inner.call(tool, args, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** A destructive tool must not pass for want of its annotations, so unknown tools are looked up (once per session). */
  private async annotationsOf(tool: string): Promise<ToolAnnotations | undefined> {
    const known = this.tools.get(tool);
    if (known) return known.annotations;
    this.listed ??= this.inner.listTools().then((tools) => new Map(tools.map((t) => [t.name, t.annotations])));
    return (await this.listed).get(tool);
  }
}
