import type { IncomingMessage } from 'node:http';
import type { JsonObject, JsonValue } from '../domain.js';
import { readBody } from '../simulator/serve-http.js';
import { isJsonObject } from '../json.js';
import type { SessionTable } from '../simulator/session-table.js';
import type { Simulator } from '../simulator/simulator.js';
import { SPLITS, type EnvDataset, type EnvTask } from './env-dataset.js';
import { SUBMIT_ARGUMENT, SUBMIT_TOOL, type EnvEpisode } from './env-episode.js';

/** HTTP errors as the ORS reference server writes them: `{ detail }`. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What every route gets: the request's parsed parts and the server's shared state. */
export interface RouteContext {
  /** The environment the request addresses (all of the dataset, or one tool set's tasks). */
  dataset: EnvDataset;
  /** Every environment's name, as list_environments gives them. */
  environments: string[];
  simulator: Simulator;
  episodes: SessionTable<EnvEpisode>;
  baseUrl: string;
  client: string;
  maxBytes: number;
  log: (line: string) => void;
}

/** The prompt: the instruction, and how to answer. */
export function promptText(task: EnvTask): string {
  return `${task.instruction}\n\nWhen you have done the task, call the tool \`${SUBMIT_TOOL}\` once, with \`${SUBMIT_ARGUMENT}\`: a JSON object matching this schema:\n${JSON.stringify(task.answerSchema)}`;
}

export function tasksOf(dataset: EnvDataset, split: unknown): EnvTask[] {
  if (!(SPLITS as readonly unknown[]).includes(split)) throw new HttpProblem(400, `Invalid split ${JSON.stringify(split)}: give one of ${SPLITS.join(', ')}`);
  return dataset.tasks.filter((t) => t.split === split);
}

export function taskAt(dataset: EnvDataset, split: unknown, index: unknown): EnvTask {
  const tasks = tasksOf(dataset, split);
  const task = typeof index === 'number' && Number.isInteger(index) ? tasks.at(index) : undefined;
  if (!task) throw new HttpProblem(400, `Invalid index ${JSON.stringify(index)}: split ${String(split)} has ${tasks.length} tasks`);
  return task;
}

/** The task of a create request: `task_spec` (its id is what counts) or `split` and `index`. */
export function taskFrom(dataset: EnvDataset, body: JsonObject): EnvTask {
  if (isJsonObject(body.task_spec)) {
    const task = dataset.tasks.find((t) => t.id === (body.task_spec as JsonObject).id);
    if (!task) throw new HttpProblem(400, `task_spec.id ${JSON.stringify((body.task_spec as JsonObject).id)} is not a task of this dataset: take one from POST /tasks`);
    return task;
  }
  if (body.task_id !== undefined) {
    const task = dataset.tasks.find((t) => t.id === body.task_id);
    if (!task) throw new HttpProblem(400, `task_id ${JSON.stringify(body.task_id)} is not a task of this dataset: take one from POST /tasks`);
    return task;
  }
  if (body.split !== undefined) return taskAt(dataset, body.split, body.index);
  throw new HttpProblem(400, 'give task_spec (from POST /tasks), task_id, or split and index');
}

/** A request body that must be a JSON object (empty counts as {}), within the size limit. */
export async function objectBody(req: IncomingMessage, maxBytes: number): Promise<JsonObject> {
  const text = await readBody(req, maxBytes);
  if (text === 'too large') throw new HttpProblem(413, `the request body is larger than ${maxBytes} bytes`);
  try {
    const json = (text.trim() === '' ? {} : JSON.parse(text)) as JsonValue;
    if (isJsonObject(json)) return json;
  } catch {
    // Answered below, like any other body that is not an object.
  }
  throw new HttpProblem(400, 'the request body is not a JSON object');
}
