import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject, JsonPrimitive, JsonSchema, ToolDefinition } from '../domain.js';
import type { SimulatorCache } from '../simulator/cache.js';
import { readSimulatorCache } from '../simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../simulator/cache-tables.js';
import { ownToolNames } from '../export/tool-names.js';
import { fromAgentPaths } from '../explore/sandbox-paths.js';

export const TASKS_FILE = 'tasks.jsonl';
export type SplitName = 'train' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'test'];

/** One task of a dataset as an environment serves it. */
export interface EnvTask {
  id: string;
  /** The row's `split`; a row without one is training data. */
  split: SplitName;
  instruction: string;
  answerSchema: JsonSchema;
  /** Each answer field's value, and where the reference trajectory observed it (step, path into its output). */
  groundTruth: Array<{ field: string; value: JsonPrimitive; step: number; path: string }>;
  /** The task's tools by the name the agent calls, each with the simulator's tool it routes to. */
  tools: Array<{ name: string; definition: ToolDefinition }>;
  /** The reference trajectory, by offered tool name, its arguments as recorded (the sandbox as `${sandbox}`). */
  trajectory: Array<{ tool: string; arguments: JsonObject }>;
  /** The simulator state an episode of the task starts in (after its servers' setup calls). */
  startState: string;
  /** The servers whose tools the task offers, sorted: tasks with the same servers share one tool set. */
  servers: string[];
}

export interface EnvDataset {
  name: string;
  cache: SimulatorCache;
  tasks: EnvTask[];
}

/**
 * The dataset as environments of one tool set each: adapters that bind tools once per
 * environment (TRL's) need every task of it to offer the same tools. A single server's dataset is
 * one environment, named after it; a fleet's has one per server set (`filesystem-memory`), and
 * the whole dataset under its own name as well.
 */
export function environmentsOf(dataset: EnvDataset): EnvDataset[] {
  const bySet = new Map<string, EnvTask[]>();
  for (const task of dataset.tasks) {
    const key = environmentName(task.servers.join('-'));
    bySet.set(key, [...(bySet.get(key) ?? []), task]);
  }
  if (bySet.size <= 1) return [dataset];
  return [dataset, ...[...bySet].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, tasks]) => ({ name: name === dataset.name ? `${name}-tasks` : name, cache: dataset.cache, tasks }))];
}

/** A dataset that cannot be served as it is: which file or row, and what to do. */
export class EnvDatasetError extends Error {
  override readonly name = 'EnvDatasetError';
}

/** Reads DIR/tasks.jsonl and DIR/simulator.sqlite; every row is checked, and a bad one named by its line. */
export function loadEnvDataset(dir: string): EnvDataset {
  const tasksFile = join(dir, TASKS_FILE);
  if (!existsSync(tasksFile)) throw new EnvDatasetError(`${dir} has no ${TASKS_FILE}: give the directory a dataset export wrote`);
  const cacheFile = join(dir, SIMULATOR_CACHE_FILE);
  if (!existsSync(cacheFile)) throw new EnvDatasetError(`${dir} has no ${SIMULATOR_CACHE_FILE}: export the run's dataset again`);
  const cache = readSimulatorCache(cacheFile);
  const own = ownToolNames(cache.tools.map((t) => t.name));
  const lines = readFileSync(tasksFile, 'utf8').split('\n');
  const tasks = lines.flatMap((line, i) => (line.trim() === '' ? [] : [taskOf(line, `${tasksFile}:${i + 1}`, cache, own)]));
  return { name: environmentName(cache.server), cache, tasks };
}

/** The environment's name in URLs: the server's name, lower case, safe in a path segment. */
function environmentName(server: string): string {
  const name = server.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return name === '' ? 'firefly' : name;
}

function taskOf(line: string, where: string, cache: SimulatorCache, own: ReadonlyMap<string, string>): EnvTask {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    throw new EnvDatasetError(`${where} is not JSON (${(error as Error).message}): export the dataset again`);
  }
  const fail = (field: string, want: string) => new EnvDatasetError(`${where}: ${field} ${want}: export the dataset again`);
  // Task-shaped values are JSON text in the row (one schema for every server's rows).
  const parsed = <T>(text: unknown, field: string): T => {
    if (typeof text !== 'string') throw fail(field, 'is not JSON text');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw fail(field, 'is not JSON text');
    }
  };
  if (typeof row.id !== 'string') throw fail('id', 'is missing');
  if (typeof row.instruction !== 'string') throw fail('instruction', 'is missing');
  const split = row.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw fail('split', `is ${JSON.stringify(split)}, not "train" or "test"`);
  if (!Array.isArray(row.tools)) throw fail('tools', 'is missing');
  const offered = row.tools as Array<{ name: string; server?: string }>;
  const simulator = row.simulator as { start_state?: unknown } | undefined;
  if (typeof simulator?.start_state !== 'string') throw fail('simulator.start_state', 'is missing');
  return {
    id: row.id,
    split,
    instruction: row.instruction,
    answerSchema: parsed<JsonSchema>(row.answer_schema, 'answer_schema'),
    groundTruth: (row.ground_truth as Array<{ field: string; value: string; source: { trajectory_step: number; path: string } }>).map(({ field, value, source }, i) => ({
      field,
      value: parsed<JsonPrimitive>(value, `ground_truth[${i}].value`),
      step: source.trajectory_step,
      path: source.path,
    })),
    tools: offered.map(({ name }) => ({ name, definition: routed(name, own, cache, where) })),
    // Rows write the sandbox as the agent does; the simulator's recordings as `${sandbox}`.
    trajectory: (row.trajectory as Array<{ tool: string; arguments: string }>).map(({ tool, arguments: args }, i) => ({ tool, arguments: fromAgentPaths(parsed<JsonObject>(args, `trajectory[${i}].arguments`)) })),
    startState: simulator.start_state,
    servers: [...new Set(offered.map((t) => t.server ?? cache.server))].sort(),
  };
}

/**
 * The simulator tool an offered name routes to: the tool the exporter gave that name (its own
 * name, unless sanitising changed it). Names are never taken apart, so any separator a dataset
 * uses in them (a fleet's `<server>__<tool>`) stays the dataset's business.
 */
function routed(offered: string, own: ReadonlyMap<string, string>, cache: SimulatorCache, where: string): ToolDefinition {
  const tool = cache.tool(own.get(offered) ?? offered);
  if (tool) return tool;
  throw new EnvDatasetError(`${where}: tool ${offered} is not in ${SIMULATOR_CACHE_FILE}: export the dataset again`);
}
