import type { RecordedCall } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { PROBE_INDEX } from './probe.js';

/**
 * Episodes, besides the probe, in which a tool must have failed every call to be called broken: a
 * tool with no edges is sampled alone, once, so one episode is all most tools get.
 */
export const BROKEN_AFTER_EPISODES = 1;

export interface BrokenTool {
  tool: string;
  /** Calls made to it, every one of which failed. */
  calls: number;
  /** What its last call returned, shortened. */
  lastError: string;
}

/**
 * Tools that failed on every call of the probe and of at least BROKEN_AFTER_EPISODES episodes, each on a
 * fresh instance, always with the same reply (numbers aside): not a
 * bad argument here and there (an id that did not exist yet), but a tool that does not work on
 * this server as configured (a dead backend, a missing credential).
 */
export function brokenTools(calls: readonly RecordedCall[]): BrokenTool[] {
  const byTool = new Map<string, RecordedCall[]>();
  for (const call of calls) if (call.phase === 'explore') byTool.set(call.tool, [...(byTool.get(call.tool) ?? []), call]);
  return [...byTool]
    .filter(([, made]) => {
      const episodes = new Set(made.filter((c) => c.subDagIndex >= 0).map((c) => c.subDagIndex));
      // One reply whatever it was asked: a tool that says "not found" here and "not done yet" there
      // works, and was only called in states that did not suit it.
      const replies = new Set(made.map((c) => replyShape(c.result)));
      return made.every((c) => c.isError) && replies.size === 1 && made.some((c) => c.subDagIndex === PROBE_INDEX) && episodes.size >= BROKEN_AFTER_EPISODES;
    })
    .map(([tool, made]) => ({ tool, calls: made.length, lastError: JSON.stringify(outputValue(made.at(-1)!.result))?.slice(0, 160) ?? '' }))
    .sort((a, b) => a.tool.localeCompare(b.tool));
}

/** A reply with its numbers blanked: "request 3 failed" and "request 4 failed" are one reply. */
function replyShape(result: RecordedCall['result']): string {
  return (JSON.stringify(outputValue(result)) ?? '').replace(/\d+/g, '#');
}
