import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject, JsonPrimitive, JsonSchema, ToolDefinition } from '../domain.js';
import type { SimulatorCache } from '../simulator/cache.js';
import { readSimulatorCache } from '../simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../simulator/cache-tables.js';

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
  /** The reference trajectory, by offered tool name. */
  trajectory: Array<{ tool: string; arguments: JsonObject }>;
}

export interface EnvDataset {
  name: string;
  cache: SimulatorCache;
  tasks: EnvTask[];
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
  const lines = readFileSync(tasksFile, 'utf8').split('\n');
  const tasks = lines.flatMap((line, i) => (line.trim() === '' ? [] : [taskOf(line, `${tasksFile}:${i + 1}`, cache)]));
  return { name: environmentName(cache.server), cache, tasks };
}

/** The environment's name in URLs: the server's name, lower case, safe in a path segment. */
function environmentName(server: string): string {
  const name = server.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return name === '' ? 'firefly' : name;
}

function taskOf(line: string, where: string, cache: SimulatorCache): EnvTask {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    throw new EnvDatasetError(`${where} is not JSON (${(error as Error).message}): export the dataset again`);
  }
  const fail = (field: string, want: string) => new EnvDatasetError(`${where}: ${field} ${want}: export the dataset again`);
  if (typeof row.id !== 'string') throw fail('id', 'is missing');
  if (typeof row.instruction !== 'string') throw fail('instruction', 'is missing');
  const split = row.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw fail('split', `is ${JSON.stringify(split)}, not "train" or "test"`);
  const tools = row.tools as { offered?: unknown; names?: Record<string, string> } | undefined;
  if (!tools || !Array.isArray(tools.offered)) throw fail('tools.offered', 'is missing');
  return {
    id: row.id,
    split,
    instruction: row.instruction,
    answerSchema: row.answer_schema as JsonSchema,
    groundTruth: (row.ground_truth as Array<{ field: string; value: JsonPrimitive; source: { trajectory_step: number; path: string } }>).map(({ field, value, source }) => ({
      field,
      value,
      step: source.trajectory_step,
      path: source.path,
    })),
    tools: (tools.offered as string[]).map((name) => ({ name, definition: routed(name, tools.names?.[name], cache, where) })),
    trajectory: (row.trajectory as EnvTask['trajectory']).map(({ tool, arguments: args }) => ({ tool, arguments: args })),
  };
}

/**
 * The simulator tool an offered name routes to: the tool of that very name, else the one whose
 * qualified name (`server/tool`, from the row's name map) the cache's server gives. Names are
 * never taken apart, so any separator a dataset uses in them stays the dataset's business.
 */
function routed(offered: string, qualified: string | undefined, cache: SimulatorCache, where: string): ToolDefinition {
  const direct = cache.tool(offered);
  if (direct) return direct;
  const byQualified = cache.tools.find((t) => qualified !== undefined && `${cache.server}/${t.name}` === qualified);
  if (byQualified) return byQualified;
  throw new EnvDatasetError(`${where}: tool ${offered} (${qualified ?? 'no qualified name'}) is not in ${SIMULATOR_CACHE_FILE}: export the dataset again`);
}
