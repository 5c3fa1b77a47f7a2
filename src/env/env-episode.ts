import type { JsonObject, JsonValue, ToolDefinition } from '../domain.js';
import { fieldMatches, reward } from '../replay/reward.js';
import type { EpisodeBinding } from '../simulator/mcp-server.js';
import { unknownToolResult } from '../simulator/no-data.js';
import type { Simulator, SimulatorAnswer, SimulatorEpisode } from '../simulator/simulator.js';
import type { EnvTask } from './env-dataset.js';

export const SUBMIT_TOOL = 'submit';

export interface Verdict {
  reward: 0 | 1;
  /** Per answer field, whether it matched. */
  fields: Record<string, boolean>;
}

/**
 * One agent's attempt at one task: its own simulator episode, reachable only through the task's
 * tools (by the names the dataset offers), until `submit` scores the answer and ends it. The
 * ground truth never leaves this object except as the verdict.
 */
export class EnvEpisode {
  private episode: SimulatorEpisode | undefined;
  private readonly routes: ReadonlyMap<string, ToolDefinition>;
  verdict: Verdict | undefined;

  constructor(
    readonly task: EnvTask,
    simulator: Simulator,
  ) {
    this.episode = simulator.startEpisode({ state: task.startState });
    this.routes = new Map(task.tools.map((t) => [t.name, t.definition]));
  }

  get finished(): boolean {
    return this.verdict !== undefined;
  }

  /** The task's tools as the agent sees them: offered names, the recorded descriptions and schemas. */
  tools(): ToolDefinition[] {
    return this.task.tools.map(({ name, definition }) => ({ ...structuredClone(definition), name }));
  }

  knows(name: string): boolean {
    return this.routes.has(name);
  }

  /** Answers a call of one of the task's tools from the simulator, in this episode's state. */
  call(name: string, args: JsonObject): Promise<SimulatorAnswer> {
    const definition = this.routes.get(name);
    if (!this.episode) return Promise.reject(new EpisodeFinishedError());
    if (!definition) return Promise.resolve({ provenance: 'none', result: unknownToolResult(name, [...this.routes.keys()]), isError: true, similarity: 0 });
    return this.episode.call(definition.name, args);
  }

  /** Scores an answer (binary, with per-field detail) and ends the episode, freeing its state. */
  submit(answer: Record<string, JsonValue | undefined>): Verdict {
    if (this.verdict) throw new EpisodeFinishedError();
    this.verdict = { reward: reward(this.task, answer), fields: fieldMatches(this.task, answer) };
    this.episode = undefined;
    return this.verdict;
  }

  /** What a per-episode MCP server answers from: the task's tools, never `submit`. */
  binding(): EpisodeBinding {
    return { tools: this.tools(), knows: (name) => this.knows(name), call: (name, args) => this.call(name, args) };
  }
}

export class EpisodeFinishedError extends Error {
  override readonly name = 'EpisodeFinishedError';
  constructor() {
    super('the episode is finished (its answer was submitted): start a new session for another attempt');
  }
}
