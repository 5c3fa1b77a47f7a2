import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { argumentValidator } from './argument-validator.js';
import { datasetCounts } from './counts.js';
import { datasetCard } from './dataset-card.js';
import { DATASET_FILES } from './dataset-files.js';
import { fileDigest, jsonLines } from './file-digest.js';
import { manifest } from './manifest.js';
import { methodFigures } from './method-figures.js';
import { prepareTask, type PreparedTask } from './prepared-task.js';
import { rlRow } from './rl-row.js';
import { sftAnthropicRow } from './sft-anthropic-row.js';
import { sftOpenAiRow } from './sft-openai-row.js';
import { writeRlParquet } from './rl-parquet.js';
import { stateAfterSetup } from '../simulator/start-state.js';
import { writeReport } from '../report/write-report.js';
import { replaceDirectory } from './swap-dir.js';
import { tasksRow } from './tasks-row.js';
import { toolCatalog } from './tool-catalog.js';
import type { JsonObject } from '../domain.js';
import type { ExportInput, ExportSummary, FileDigest, SkippedTask } from './types.js';

export type { DatasetCounts, ExportInput, ExportSummary, FileDigest, SkippedTask } from './types.js';

/**
 * Writes a run's verified tasks as a dataset directory that needs nothing of this project to read:
 * the tasks, SFT rows in OpenAI and Anthropic formats, verl RL rows, the simulator cache, a card
 * and a manifest. A task that breaks a format rule is skipped with its reason, never thrown over.
 * Tasks are ordered by id, so the files depend on the tasks given, not on the order they came in.
 */
export async function exportDataset(input: ExportInput): Promise<ExportSummary> {
  // A dataset that exists is never truncated: the new one is written beside it and swapped in whole.
  return replaceDirectory(input.dir, async (staging) => ({ ...(await writeDatasetInto(staging, input)), dir: input.dir }));
}

async function writeDatasetInto(dir: string, input: ExportInput): Promise<ExportSummary> {
  const catalog = toolCatalog(input.run.server, input.tools);
  const checkArguments = argumentValidator(catalog.rawSchemas);
  const toolsByName = new Map(input.tools.map((t) => [t.name, t]));
  const prepared: PreparedTask[] = [];
  const skipped: SkippedTask[] = [];
  for (const task of [...input.tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const outcome = prepareTask(task, catalog, checkArguments);
    if (!outcome.ok) {
      skipped.push({ taskId: task.id, reason: outcome.reason });
      continue;
    }
    const startState = stateAfterSetup(input.setups.get(task.runId) ?? [], toolsByName);
    prepared.push({ ...outcome.task, index: prepared.length, split: input.splits?.get(task.id) ?? 'train', startState });
  }

  await mkdir(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  const F = DATASET_FILES;
  await input.writeSimulatorCache(path(F.simulator));
  if (input.simulatorCacheFormatDoc) await copyFile(input.simulatorCacheFormatDoc, path(F.simulatorDoc));
  // The reward-integrity check runs on the files just written; a task that a hack earns reward on
  // is left out and the rows written again, until the check holds. Leaving tasks out can make a
  // hack pay elsewhere (another value becomes the most common), so it may take several passes;
  // each leaves out at least one task of those written, so it ends.
  let kept = prepared;
  let integrity: JsonObject | undefined;
  for (;;) {
    await writeTaskRows(dir, kept, input.run.planner);
    if (!input.checkRewardIntegrity) break;
    const check = await input.checkRewardIntegrity(dir);
    integrity = check.summary;
    if (check.failing.size === 0) break;
    for (const [taskId, hack] of check.failing) skipped.push({ taskId, reason: `reward integrity: ${hack} earns reward 1 without doing the task` });
    kept = kept.filter((p) => !check.failing.has(p.task.id)).map((p, index) => ({ ...p, index }));
  }

  const counts = datasetCounts(kept.map((p) => p.task), skipped.length, input.verdicts, input.candidates);
  const figures = methodFigures(kept);
  await writeFile(
    path(F.card),
    datasetCard({ run: input.run, ...(input.models ? { models: input.models } : {}), ...(input.reliability ? { reliability: input.reliability } : {}), pipelineVersion: input.pipelineVersion, counts, figures, skipped, hasSimulatorDoc: Boolean(input.simulatorCacheFormatDoc), hasReport: Boolean(input.report) }),
  );

  if (input.report) await writeReport(dir, input.report(kept.map((p) => p.task)));

  const files: Record<string, FileDigest> = {};
  for (const name of [F.card, ...(input.report ? [F.report] : []), ...(input.simulatorCacheFormatDoc ? [F.simulatorDoc] : []), F.rl, F.rlParquet, F.sftAnthropic, F.sftOpenai, F.simulator, F.tasks]) {
    files[name] = await fileDigest(path(name), name === F.simulator || name === F.rlParquet);
  }
  await writeFile(path(F.manifest), `${JSON.stringify({ ...manifest(input, counts, files, skipped), ...(integrity ? { reward_integrity: integrity } : {}) }, null, 2)}\n`);
  files[F.manifest] = await fileDigest(path(F.manifest));
  return { dir, files, counts, figures, skipped };
}

/** The row files, one task per line in every format. */
async function writeTaskRows(dir: string, tasks: PreparedTask[], planner: string): Promise<void> {
  const path = (name: string) => join(dir, name);
  const F = DATASET_FILES;
  await writeFile(path(F.tasks), jsonLines(tasks.map((p) => tasksRow(p, planner))));
  await writeFile(path(F.sftOpenai), jsonLines(tasks.map((p) => sftOpenAiRow(p))));
  await writeFile(path(F.sftAnthropic), jsonLines(tasks.map((p) => sftAnthropicRow(p))));
  const rlRows = tasks.map((p) => rlRow(p));
  await writeFile(path(F.rl), jsonLines(rlRows));
  await writeRlParquet(path(F.rlParquet), rlRows);
}
