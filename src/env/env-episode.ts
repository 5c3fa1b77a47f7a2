import type { JsonObject, JsonValue, ToolDefinition } from '../domain.js';
import { fieldMatches, reward } from '../replay/reward.js';
import { canonicalArguments } from '../simulator/canonical.js';
import type { EpisodeBinding } from '../simulator/mcp-server.js';
import { unknownToolResult } from '../simulator/no-data.js';
import type { Simulator, SimulatorAnswer, SimulatorEpisode } from '../simulator/simulator.js';
import { endStateOf, referenceEndState, sameEndState, writeOf, type EndState } from './end-state.js';
import type { EnvTask } from './env-dataset.js';
import { argumentForms } from './argument-forms.js';
import { agentAnswer, fromAgentPaths, toAgentPaths } from '../explore/sandbox-paths.js';

export const SUBMIT_TOOL = 'submit';
/** `submit` takes the answer object under this one name, so every task has the same submit signature. */
export const SUBMIT_ARGUMENT = 'answer';
/** All the agent learns from submitting: per-field detail would let a search find the answer without the work. */
export const SUBMITTED_TEXT = 'Answer submitted. The episode is over.';

export interface Verdict {
  reward: 0 | 1;
  /** Per answer field, whether it matched. For the trainer only. */
  fields: Record<string, boolean>;
  /** Whether the episode's writes were the reference's (in any order). For the trainer only. */
  endState: boolean;
}

/** The end state each task's reference reaches, per simulator: computed once, on first submit. */
const referenceEnds = new WeakMap<Simulator, WeakMap<EnvTask, EndState>>();

/**
 * One agent's attempt at one task: its own simulator episode, reachable only through the task's
 * tools (by the names the dataset offers), until `submit` scores it and ends it. The reward is 1
 * only when the answer matches and the episode made the reference's state-changing calls, no more
 * and no fewer: an agent that skips an instructed write, or writes elsewhere, earns 0. The ground
 * truth never leaves this object except as the verdict.
 */
export class EnvEpisode {
  private episode: SimulatorEpisode | undefined;
  private readonly routes: ReadonlyMap<string, ToolDefinition>;
  private readonly writes: string[] = [];
  verdict: Verdict | undefined;

  constructor(
    readonly task: EnvTask,
    private readonly simulator: Simulator,
  ) {
    this.episode = simulator.startEpisode({ state: task.startState });
    this.routes = new Map(task.tools.map((t) => [t.name, t.definition]));
  }

  get finished(): boolean {
    return this.verdict !== undefined;
  }

  /** The task's tools as the agent sees them: offered names, the recorded descriptions and schemas. */
  tools(): ToolDefinition[] {
    return this.task.tools.map(({ name, definition }) => ({ ...toAgentPaths(structuredClone(definition)), name }));
  }

  knows(name: string): boolean {
    return this.routes.has(name);
  }

  /**
   * Answers a call of one of the task's tools from the simulator, in this episode's state. The
   * agent writes the sandbox as `/workspace`; the recording as `${sandbox}`.
   */
  async call(name: string, args: JsonObject): Promise<SimulatorAnswer> {
    const definition = this.routes.get(name);
    const episode = this.episode;
    if (!episode) throw new EpisodeFinishedError();
    if (!definition) return { provenance: 'none', result: unknownToolResult(name, [...this.routes.keys()]), isError: true, similarity: 0 };
    const given = this.recordedForm(definition, fromAgentPaths(args), episode.state);
    const answer = await episode.call(definition.name, given);
    const write = writeOf(definition, given, answer);
    if (write !== undefined) this.writes.push(write);
    return agentAnswer(answer);
  }

  /**
   * Adapters that turn tools into functions send every optional parameter (unset ones as null or
   * their schema default); a recording holds only those the reference gave. The form with a
   * recording in this state answers; else the arguments without their nulls.
   */
  private recordedForm(definition: ToolDefinition, args: JsonObject, state: string): JsonObject {
    const forms = argumentForms(definition.inputSchema, args);
    const recorded = [forms.given, forms.withoutDefaults, forms.withoutNulls].find((form) => this.simulator.cache.exact(definition.name, canonicalArguments(form), state));
    return recorded ?? forms.withoutNulls;
  }

  /** Scores an answer (binary, with per-field and end-state detail) and ends the episode, freeing its state. */
  submit(answer: Record<string, JsonValue | undefined>): Verdict {
    if (this.verdict) throw new EpisodeFinishedError();
    const endState = sameEndState(endStateOf(this.writes), this.referenceEnd());
    this.verdict = { reward: endState ? reward(this.task, answer) : 0, fields: fieldMatches(this.task, answer), endState };
    this.episode = undefined;
    return this.verdict;
  }

  private referenceEnd(): EndState {
    const ends = referenceEnds.get(this.simulator) ?? referenceEnds.set(this.simulator, new WeakMap()).get(this.simulator)!;
    const known = ends.get(this.task);
    if (known) return known;
    const calls = this.task.trajectory.map((step) => ({ tool: this.routes.get(step.tool)!, arguments: step.arguments }));
    const end = referenceEndState(this.simulator, this.task.startState, calls);
    ends.set(this.task, end);
    return end;
  }

  /** What a per-episode MCP server answers from: the task's tools, never `submit`. */
  binding(): EpisodeBinding {
    return { tools: this.tools(), knows: (name) => this.knows(name), call: (name, args) => this.call(name, args) };
  }
}

/** What the trainer (never the agent) may read of a verdict: ORS metadata, the submit route's reply. */
export function verdictDetail(verdict: Verdict): JsonObject {
  return { reward: verdict.reward, fields: verdict.fields, end_state: verdict.endState };
}

/** A verdict as `submit` answers it: `text` is all the agent reads, `detail` the trainer's. */
export function submitReply(verdict: Verdict): { text: string; detail: JsonObject } {
  return { text: SUBMITTED_TEXT, detail: verdictDetail(verdict) };
}

export class EpisodeFinishedError extends Error {
  override readonly name = 'EpisodeFinishedError';
  constructor() {
    super('the episode is finished (its answer was submitted): start a new session for another attempt');
  }
}
