import { SIMULATOR_CACHE_FILE } from '../simulator/cache-tables.js';
import { REPORT_FILE } from '../report/write-report.js';

/** The files of an exported dataset, named once: the writer, the manifest and the card all use these. */
export const DATASET_FILES = {
  tasks: 'tasks.jsonl',
  sftOpenai: 'sft.openai.jsonl',
  sftAnthropic: 'sft.anthropic.jsonl',
  rl: 'rl.jsonl',
  rlParquet: 'rl.parquet',
  simulator: SIMULATOR_CACHE_FILE,
  simulatorDoc: 'SIMULATOR.md',
  card: 'README.md',
  report: REPORT_FILE,
  manifest: 'manifest.json',
} as const;

/** The card's `configs`: one Hugging Face config per JSONL file, so each loads with its own columns. */
export const DATASET_CONFIGS: ReadonlyArray<{ configName: string; file: string }> = [
  { configName: 'tasks', file: DATASET_FILES.tasks },
  { configName: 'sft_openai', file: DATASET_FILES.sftOpenai },
  { configName: 'sft_anthropic', file: DATASET_FILES.sftAnthropic },
  { configName: 'rl', file: DATASET_FILES.rl },
];
