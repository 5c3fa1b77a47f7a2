import type { EdgeJudge } from '../src/graph/edge-judge.js';
import type { Planner } from '../src/explore/planner.js';
import type { Store } from '../src/store/store.js';
import type { Synthesizer } from '../src/synthesize/synthesizer.js';
import type { TaskJudge } from '../src/verify/verify-tasks.js';

/** What every activity is built from; the worker makes one set, tests make their own. */
export interface ActivityDeps {
  store: Store;
  planner: Planner;
  /** Decides the tool graph's edges among the pre-filtered candidate pairs. */
  edgeJudge: EdgeJudge;
  /** Writes candidate tasks backward from explored episodes. */
  synthesizer: Synthesizer;
  /** The LLM judge of verification, when one is configured. */
  taskJudge?: TaskJudge;
  /** Where datasets are exported, one directory per run. */
  datasetRoot: string;
  /** Where each episode's sandbox directory is made. */
  sandboxRoot: string;
  projectRoot: string;
  /** The environment `${env:NAME}` placeholders read from. */
  env: NodeJS.ProcessEnv;
}
