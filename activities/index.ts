import type { ActivityDeps } from './deps.js';
import { discoverToolsActivity } from './discover.js';
import { explorationStatusActivity } from './exploration-status.js';
import { exploreEpisodeActivity } from './explore.js';
import { prepareRunActivity } from './prepare-run.js';
import { sampleSubDagsActivity } from './sample.js';
import { summarizeRunActivity } from './summarize.js';
import { buildToolGraphActivity } from './tool-graph.js';
import { synthesizeTasksActivity } from './synthesize.js';
import { verifyTasksActivity } from './verify.js';
import { exportDatasetActivity } from './export.js';
import { auditTaskBatchActivity, planAuditActivity, summarizeAuditActivity } from './audit.js';
import { exportFleetDatasetActivity, planCrossServerActivity, prepareFleetActivity } from './fleet.js';
import { countVerifiedTasksActivity, replayTaskBatchActivity, resolveReplayLlmActivity } from './replay.js';

export type { ActivityDeps } from './deps.js';

/** Every activity, built from one set of dependencies (store, planner, judge, sandbox root). */
export function createActivities(deps: ActivityDeps) {
  return {
    prepareRun: prepareRunActivity(deps),
    discoverTools: discoverToolsActivity(deps),
    buildToolGraph: buildToolGraphActivity(deps),
    sampleSubDags: sampleSubDagsActivity(deps),
    explorationStatus: explorationStatusActivity(deps),
    exploreEpisode: exploreEpisodeActivity(deps),
    synthesizeTasks: synthesizeTasksActivity(deps),
    verifyTasks: verifyTasksActivity(deps),
    exportDataset: exportDatasetActivity(deps),
    countVerifiedTasks: countVerifiedTasksActivity(deps),
    replayTaskBatch: replayTaskBatchActivity(deps),
    resolveReplayLlm: resolveReplayLlmActivity(deps),
    summarizeRun: summarizeRunActivity(deps),
    planAudit: planAuditActivity(deps),
    auditTaskBatch: auditTaskBatchActivity(deps),
    summarizeAudit: summarizeAuditActivity(deps),
    prepareFleet: prepareFleetActivity(deps),
    planCrossServer: planCrossServerActivity(deps),
    exportFleetDataset: exportFleetDatasetActivity(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
