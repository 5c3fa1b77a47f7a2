import { brokenTools, type BrokenTool } from '../explore/broken-tools.js';
import type { Store } from '../store/store.js';
import { SHIFTED_CLOCK_SUFFIX } from './clock-shift.js';

/** What a run found that does not hold, and what finding it cost: for the summary, the manifest and the card. */
export interface RunReliability {
  /** Output paths never used as answers, per tool: `changed` between two calls, or read off the `clock`. */
  volatile: Array<{ tool: string; path: string; reason: string }>;
  broken: BrokenTool[];
  /**
   * The live `stable` check: distinct reference trajectories executed again (tasks written from the
   * same calls share them), rounds (fresh instances), calls made, and their wall time summed.
   */
  stable: { trajectories: number; rounds: number; calls: number; wallMs: number };
}

export async function runReliability(store: Store, runId: string): Promise<RunReliability> {
  const profiles = await store.listProfiles(runId);
  const repeats = (await store.listLiveRepeats(runId)).filter((r) => r.subject.startsWith('trajectory:'));
  return {
    volatile: profiles.flatMap((p) => (p.volatile ?? []).map((v) => ({ tool: p.name, path: v.path, reason: v.reason }))),
    broken: brokenTools(await store.listCalls(runId)),
    stable: {
      trajectories: new Set(repeats.map((r) => r.subject.replace(SHIFTED_CLOCK_SUFFIX, ''))).size,
      rounds: repeats.length,
      calls: repeats.reduce((n, r) => n + r.calls.length, 0),
      wallMs: Math.round(repeats.reduce((n, r) => n + r.wallMs, 0)),
    },
  };
}
