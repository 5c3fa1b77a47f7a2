import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportDataset as writeDataset, type DatasetCounts, type ExportInput } from '../src/export/export-dataset.js';
import { datasetReport } from '../src/report/dataset-report.js';
import { rewardIntegrityOf } from '../src/env/reward-integrity.js';
import { writeSimulatorCache } from '../src/simulator/cache-file.js';
import { simulatorInputFromStore } from '../src/simulator/from-store.js';
import type { ActivityDeps } from './deps.js';
import { verifiedTasks } from './verified-tasks.js';
import { loadRun } from './run-context.js';
import { safePathComponent } from '../src/safe-path.js';
import { runUsage, storedLlmConfig } from './run-llm.js';
import { stageNames } from './run-stages.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { runReliability, type RunReliability } from '../src/verify/reliability.js';

export interface ExportedDataset {
  dir: string;
  counts: DatasetCounts;
  skipped: number;
}

/** Exports the run's verified tasks, its simulator cache and a dataset card into one directory. */
export function exportDatasetActivity(deps: ActivityDeps) {
  return async function exportDataset(input: { runId: string }): Promise<ExportedDataset> {
    return withFailureMapping(() => whileHeartbeating(async () => {
      const { run, spec } = await loadRun(deps, input.runId);
      const dir = join(deps.datasetRoot, safePathComponent(input.runId, 'runId'));
      const candidates = await deps.store.listTasks(input.runId);
      const config = storedLlmConfig(run);
      const names = stageNames(deps, run);
      const records = {
        edges: await deps.store.listEdges(input.runId),
        subDags: await deps.store.listSubDags(input.runId),
        episodes: await deps.store.listEpisodes(input.runId),
        calls: await deps.store.listCalls(input.runId),
        candidates,
      };
      const exportInput: ExportInput = {
        dir,
        run: {
          runId: input.runId,
          server: run.serverName,
          planner: run.planner,
          synthesizer: names.synthesizer,
          ...(names.judge ? { judge: names.judge } : {}),
        },
        ...(config.provider === 'offline' ? {} : { models: { provider: config.provider, stages: config.models, usage: await runUsage(deps, run) } }),
        tools: await deps.store.listTools(input.runId),
        setups: new Map([[input.runId, spec.setup]]),
        tasks: await verifiedTasks(deps, input.runId),
        verdicts: await deps.store.listVerdicts(input.runId),
        candidates: candidates.length,
        writeSimulatorCache: async (path) => writeSimulatorCache(path, await simulatorInputFromStore(deps.store, input.runId)),
        checkRewardIntegrity: rewardIntegrityOf,
        simulatorCacheFormatDoc: resolve(deps.projectRoot, 'src/simulator/CACHE-FORMAT.md'),
        pipelineVersion: pipelineVersion(deps.projectRoot),
        reliability: exportedReliability(await runReliability(deps.store, input.runId)),
      };
      const summary = await writeDataset({ ...exportInput, report: (exported) => datasetReport(exportInput, records, exported) });
      return { dir: summary.dir, counts: summary.counts, skipped: summary.skipped.length };
    }));
  };
}

/** The stable check's wall time differs from one run to the next: the dataset's bytes must not. */
function exportedReliability({ stable: { wallMs: _wallMs, ...stable }, ...rest }: RunReliability) {
  return { ...rest, stable };
}

/** The package.json version of the pipeline, as every dataset's manifest and card name it. */
export function pipelineVersion(projectRoot: string): string {
  return (JSON.parse(readFileSync(resolve(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
