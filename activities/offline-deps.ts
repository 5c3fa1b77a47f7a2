import { PROJECT_ROOT, type RuntimeConfig } from '../src/config.js';
import { OfflinePlanner } from '../src/explore/offline-planner.js';
import { OfflineEdgeJudge } from '../src/graph/offline-judge.js';
import type { Store } from '../src/store/store.js';
import { OfflineSynthesizer } from '../src/synthesize/offline-synthesizer.js';
import type { ActivityDeps } from './deps.js';

/**
 * The worker's dependencies: every stage's offline implementation, which a run with no LLM uses
 * throughout (every artifact saying `offline`). A run with models gets its clients per run from
 * `env` (see run-llm.ts), where its key is read.
 */
export function offlineActivityDeps(config: RuntimeConfig, store: Store, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  return {
    store,
    planner: new OfflinePlanner(),
    edgeJudge: new OfflineEdgeJudge(),
    synthesizer: new OfflineSynthesizer(),
    sandboxRoot: config.sandboxRoot,
    datasetRoot: config.datasetRoot,
    projectRoot: PROJECT_ROOT,
    env,
  };
}
