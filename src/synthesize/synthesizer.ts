import type { RecordedCall, Task, ToolDefinition, VolatilePath } from '../domain.js';

/** One explored episode, as synthesis reads it. */
export interface EpisodeRecord {
  runId: string;
  server: string;
  subDagIndex: number;
  /** Every recorded call of the episode, setup calls first, in step order. */
  calls: RecordedCall[];
  tools: ReadonlyMap<string, ToolDefinition>;
  /** Per tool, the output paths the probe found volatile: never an answer. */
  volatile?: ReadonlyMap<string, readonly VolatilePath[]>;
}

/** Writes candidate tasks backward from what an episode observed. Verification decides which survive. */
export interface Synthesizer {
  readonly name: string;
  synthesize(episode: EpisodeRecord): Promise<Task[]>;
}
