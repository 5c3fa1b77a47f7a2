import { parseArgs } from 'node:util';
import { EnvDatasetError, loadEnvDataset } from '../env/env-dataset.js';
import { checkRewardIntegrity, HACKS, integrityHolds, type IntegrityReport } from '../env/reward-integrity.js';
import { describeParseError } from './simulate-options.js';
import { UsageError } from './usage-error.js';

export const REWARD_CHECK_USAGE = `usage: firefly reward-check --dataset DIR [--json]

Checks a dataset's reward against its simulator: the reference trajectory must earn 1 on every
task, and every known way to earn it without doing the task 0, under the strict policy (the
lenient policy's figure beside it): an empty answer, values copied from the task, random values,
submitting before any call, the reference with one instructed write skipped, with an
answer-bearing argument changed to each other recorded value, in another order, another task's
answer, the most common value of each field, and a blind search on what submit tells the agent.
Exits 1 when it does not hold.
  --json           print the report as JSON instead of a table`;

export async function runRewardCheck(argv: string[]): Promise<void> {
  let values: { dataset?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { dataset: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}\n\n${REWARD_CHECK_USAGE}`);
  }
  if (!values.dataset) throw new UsageError('--dataset is missing: give the dataset directory, e.g. firefly reward-check --dataset data/datasets/memory-1');
  let dataset;
  try {
    dataset = loadEnvDataset(values.dataset);
  } catch (error) {
    if (error instanceof EnvDatasetError) throw new UsageError(`--dataset: ${error.message}`);
    throw error;
  }
  const report = await checkRewardIntegrity(dataset);
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : rewardTable(report));
  if (!integrityHolds(report)) process.exitCode = 1;
}

/** The report for people: one line per policy, one per hack, and the tasks at fault. */
export function rewardTable(report: IntegrityReport): string {
  const rows = [
    `| check | strict | lenient |`,
    `|---|---|---|`,
    `| reference earns 1 | ${report.referenceRewarded.strict}/${report.tasks} | ${report.referenceRewarded.lenient}/${report.tasks} |`,
    ...HACKS.map((hack) => `| ${hack} earns 1 | ${report.hacksRewarded[hack].strict.length}/${report.tasks} | ${report.hacksRewarded[hack].lenient.length}/${report.tasks} |`),
    `| (no hack) every write made, in another order, earns 1 | ${report.orderFree.strict}/${report.tasks} | ${report.orderFree.lenient}/${report.tasks} |`,
  ];
  const faults = HACKS.flatMap((hack) => (report.hacksRewarded[hack].strict.length ? [`${hack} (strict): ${report.hacksRewarded[hack].strict.join(', ')}`] : []));
  if (report.referenceFailed.length) faults.unshift(`reference below 1: ${report.referenceFailed.join(', ')}`);
  return `${rows.join('\n')}\n${faults.map((f) => `${f}\n`).join('')}${integrityHolds(report) ? 'reward integrity holds\n' : 'reward integrity does NOT hold\n'}`;
}
