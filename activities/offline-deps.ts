import { PROJECT_ROOT, type RuntimeConfig } from '../src/config.js';
import { OfflinePlanner } from '../src/explore/offline-planner.js';
import { OfflineEdgeJudge } from '../src/graph/offline-judge.js';
import type { Store } from '../src/store/store.js';
import { OfflineSynthesizer } from '../src/synthesize/offline-synthesizer.js';
import type { ActivityDeps } from './deps.js';

/** The dependencies of a run with no LLM configured: every stage deterministic, every artifact saying `offline`. */
export function offlineActivityDeps(config: RuntimeConfig, store: Store): ActivityDeps {
  return {
    store,
    planner: new OfflinePlanner(),
    edgeJudge: new OfflineEdgeJudge(),
    synthesizer: new OfflineSynthesizer(),
    sandboxRoot: config.sandboxRoot,
    datasetRoot: config.datasetRoot,
    projectRoot: PROJECT_ROOT,
    env: process.env,
  };
}
