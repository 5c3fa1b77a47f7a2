import type { JsonObject, JsonValue, SimulatedAnswer, ToolDefinition } from '../domain.js';
import type { SimulatorCache } from './cache.js';
import type { CacheEntry } from './cache-entry.js';
import { canonicalArguments } from './canonical.js';
import {
  InMemoryGeneratedMemo,
  memoKey,
  type ExampleSource,
  type GeneratedAnswer,
  type GeneratedAnswerMemo,
  type GenerationKey,
  type ResponseGenerator,
} from './generation.js';
import { invalidArgumentsResult, noDataResult, unknownToolResult } from './no-data.js';
import { NearestRecording, type EpisodePosition } from './retrieval.js';
import { changesState, stateAfter } from './state.js';
import { argumentValidator, type ArgumentCheck } from '../export/argument-validator.js';

/**
 * How a call with no exact recording is answered. `strict` (the default): only a recording of the
 * same call in the same state answers; anything else is `none` (or `generated`, with a generator),
 * since another call's or another state's data can hand a wrong trajectory the right answer.
 * `lenient`: the nearest recording answers when its similarity, discounted by its state distance,
 * reaches the threshold.
 */
export type AnswerPolicy = 'strict' | 'lenient';
export const ANSWER_POLICIES: readonly AnswerPolicy[] = ['strict', 'lenient'];

export interface SimulatorOptions {
  /** What answers a call with no exact recording (default strict). */
  policy?: AnswerPolicy;
  /** Lenient only: the least similarity at which a near recording answers a miss (default 0.5). */
  retrievalThreshold?: number;
  /** Key exact matches by episode state too (default true); off, the first recording with the arguments answers. */
  stateAware?: boolean;
  /**
   * Generates an answer where there would be none: a call of a recorded tool that no recording is
   * close enough to. Without one, such calls get the `none` error result.
   */
  generator?: ResponseGenerator;
  /**
   * Where generated answers are remembered (default: in memory, for this simulator's lifetime). With
   * a memo but no generator, answers generated earlier are still given; nothing new is generated.
   */
  memo?: GeneratedAnswerMemo;
  /** The recordings a generated answer is based on, at most (default 3). */
  maxExamples?: number;
}

export const DEFAULT_RETRIEVAL_THRESHOLD = 0.5;
export const DEFAULT_MAX_EXAMPLES = 3;

/** A simulator's answer: for `generated`, also the model and every recording it was based on. */
export interface SimulatorAnswer extends SimulatedAnswer {
  generated?: { model: string; examples: ExampleSource[] };
  /**
   * State-changing calls between the episode's state and that of the recording the answer (or, for
   * `none`, the nearest recording) came from: 0 for exact. Absent when there was no recording.
   */
  stateDistance?: number;
  /** The arguments do not fit the tool's input schema: why, naming the argument. Provenance is none. */
  invalidArguments?: string;
}

/**
 * Replays a run's recorded calls offline. Each episode is a fresh server as the recording saw it
 * (after the setup calls); every answer says where it came from: `exact` (this call, in this state,
 * was recorded), `retrieved` (the nearest recording of the same tool), `generated` (a model's answer
 * from the nearest recordings, when a generator is configured, memoised per call and state), or
 * `none` (an error result saying there is no data).
 */
export class Simulator {
  readonly policy: AnswerPolicy;
  readonly retrievalThreshold: number;
  readonly stateAware: boolean;
  readonly maxExamples: number;
  private readonly nearest: NearestRecording;
  private readonly checkArguments: ArgumentCheck;
  private readonly generator: ResponseGenerator | undefined;
  private readonly memo: GeneratedAnswerMemo | undefined;
  /** Generations in flight by call key: concurrent episodes asking the same call share one model request. */
  private readonly pending = new Map<string, Promise<SimulatorAnswer>>();

  constructor(
    readonly cache: SimulatorCache,
    options: SimulatorOptions = {},
  ) {
    const threshold = options.retrievalThreshold ?? DEFAULT_RETRIEVAL_THRESHOLD;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new RangeError(`Simulator: retrievalThreshold is ${threshold}: give a similarity between 0 and 1 (default ${DEFAULT_RETRIEVAL_THRESHOLD})`);
    }
    this.retrievalThreshold = threshold;
    const policy = options.policy ?? 'strict';
    if (!ANSWER_POLICIES.includes(policy)) {
      throw new RangeError(`Simulator: policy is ${JSON.stringify(policy)}: give one of ${ANSWER_POLICIES.join(', ')} (default strict)`);
    }
    this.policy = policy;
    this.checkArguments = argumentValidator(new Map(cache.tools.map((tool) => [tool.name, tool.inputSchema])));
    this.stateAware = options.stateAware ?? true;
    const maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
    if (!(Number.isInteger(maxExamples) && maxExamples >= 1)) {
      throw new RangeError(`Simulator: maxExamples is ${maxExamples}: give a whole number of recordings, at least 1 (default ${DEFAULT_MAX_EXAMPLES})`);
    }
    this.maxExamples = maxExamples;
    this.nearest = new NearestRecording(cache);
    this.generator = options.generator;
    this.memo = options.memo ?? (options.generator ? new InMemoryGeneratedMemo() : undefined);
  }

  /** Whether a miss may be answered `generated` (a generator or a memo is configured). */
  get generates(): boolean {
    return this.memo !== undefined;
  }

  /** The recorded server's tools, as it listed them. */
  tools(): ToolDefinition[] {
    return this.cache.tools.map((tool) => structuredClone(tool));
  }

  /**
   * A fresh episode, in the state after the setup calls. `state` starts it elsewhere instead (a
   * state key from the cache, e.g. to ask for a held-out call in the state it was recorded in).
   */
  startEpisode(options: { state?: string } = {}): SimulatorEpisode {
    return new SimulatorEpisode(this, options.state ?? this.cache.initialState);
  }

  /**
   * The recorded answer for canonical arguments at a position (exact, retrieved or none), advancing
   * nothing: SimulatorEpisode.call keeps the state. Synchronous, so that exact hits stay cheap.
   * A call recorded in this state is answered as the live server answered it (its own error for
   * bad arguments included); any other call whose arguments do not fit the tool's input schema is
   * refused as invalid, as the live server would refuse it, before any other recording is looked at.
   */
  answer(tool: string, canonical: string, position: EpisodePosition): SimulatorAnswer {
    if (!this.cache.tool(tool)) {
      return { provenance: 'none', result: unknownToolResult(tool, this.cache.tools.map((t) => t.name)), isError: true, similarity: 0 };
    }
    const hit = this.stateAware ? this.cache.exact(tool, canonical, position.state) : this.cache.withArguments(tool, canonical);
    if (hit) return { ...fromEntry('exact', hit, 1), stateDistance: this.stateAware ? 0 : this.nearest.stateDistance(hit.state, position) };
    const args = JSON.parse(canonical) as JsonObject;
    const invalid = this.checkArguments(tool, args);
    if (invalid !== undefined) return { provenance: 'none', result: invalidArgumentsResult(tool, invalid), isError: true, similarity: 0, invalidArguments: invalid };
    const near = this.nearest.find(tool, args, position);
    if (!near) return { provenance: 'none', result: noDataResult(tool, undefined, undefined), isError: true, similarity: 0 };
    const stateDistance = this.nearest.stateDistance(near.entry.state, position);
    // A recording from another state is weaker evidence the further that state is: never similarity 1.
    const similarity = near.similarity / (1 + stateDistance);
    if (this.policy === 'lenient' && similarity >= this.retrievalThreshold) return { ...fromEntry('retrieved', near.entry, similarity), stateDistance };
    return { provenance: 'none', result: noDataResult(tool, similarity, this.policy === 'strict' ? undefined : this.retrievalThreshold, { stateDistance }), isError: true, similarity, stateDistance };
  }

  /**
   * The answer to a call `answer` found no recording for (`missed`, provenance none): the memoised
   * generated answer, else a new one from the generator, stored in the memo. Stays `missed` for an
   * unknown tool, a tool with no recording to base an answer on, or with no generator; says why
   * when the model's output was unusable. Provider failures are thrown and nothing is memoised.
   */
  async generate(tool: string, canonical: string, position: EpisodePosition, missed: SimulatorAnswer): Promise<SimulatorAnswer> {
    const definition = this.cache.tool(tool);
    if (!this.memo || !definition || this.cache.recordingsOf(tool).length === 0) return missed;
    const key: GenerationKey = { tool, canonical, state: position.state };
    const id = memoKey(key);
    const shared = this.pending.get(id);
    // Each caller gets its own copy: one that edits its answer cannot change the other's.
    if (shared) return shared.then((answer) => structuredClone(answer));
    const answer = this.memoisedOrNew(definition, key, position, missed).finally(() => this.pending.delete(id));
    this.pending.set(id, answer);
    return answer;
  }

  private async memoisedOrNew(tool: ToolDefinition, key: GenerationKey, position: EpisodePosition, missed: SimulatorAnswer): Promise<SimulatorAnswer> {
    const memo = this.memo!;
    const known = await memo.get(key);
    if (known) return fromGenerated(known);
    if (!this.generator) return missed;
    const args = JSON.parse(key.canonical) as JsonObject;
    const examples = this.nearest.nearest(tool.name, args, position, this.maxExamples).map(({ entry, similarity }) => ({
      source: { ...entry.source, similarity },
      arguments: entry.args,
      result: entry.result,
      isError: entry.isError,
      sameState: entry.state === position.state,
    }));
    const outcome = await this.generator.generate({ tool: structuredClone(tool), arguments: args, state: key.state, examples });
    if (!outcome.ok) return { ...missed, result: noDataResult(tool.name, missed.similarity, this.policy === 'strict' ? undefined : this.retrievalThreshold, { stateDistance: missed.stateDistance, notGenerated: outcome.reason }) };
    const stored = await memo.put(key, { result: outcome.result, isError: outcome.isError, model: outcome.model, examples: examples.map((e) => e.source) });
    return fromGenerated(stored);
  }
}

/**
 * One agent's session against the simulator. Its state advances exactly as a recording's did: after
 * an answer to a state-changing tool that is not an error.
 */
export class SimulatorEpisode {
  private current: string;
  /** Every state this episode has been in, with its depth: retrieval prefers recordings sharing this history. */
  private readonly history = new Map<string, number>();

  constructor(
    private readonly simulator: Simulator,
    start: string,
  ) {
    this.current = start;
    // The recorded states that led to the start (the setup calls' states) are this episode's history too.
    const chain = [start];
    for (let parent = simulator.cache.parentOf(start); parent !== undefined && !chain.includes(parent); parent = simulator.cache.parentOf(parent)) {
      chain.push(parent);
    }
    chain.reverse().forEach((state, depth) => this.history.set(state, depth));
  }

  get state(): string {
    return this.current;
  }

  /**
   * Answers one call and advances the state as the recording would have. Calls are answered in the
   * order they are made: one that waits for a generated answer holds back the calls after it, so
   * that each sees the state the earlier ones left.
   */
  call(tool: string, args: JsonObject = {}): Promise<SimulatorAnswer> {
    if (this.queue === undefined) {
      let answered: SimulatorAnswer | Promise<SimulatorAnswer>;
      try {
        answered = this.answerNow(tool, args);
      } catch (error) {
        return Promise.reject(error);
      }
      // The fast path: a recorded answer, given without waiting on anything.
      if (!(answered instanceof Promise)) return Promise.resolve(answered);
      return this.enqueue(answered);
    }
    return this.enqueue(this.queue.then(() => this.answerNow(tool, args)));
  }

  /** The tail of the calls still being answered, or undefined when none is. */
  private queue: Promise<void> | undefined;

  private enqueue(answer: Promise<SimulatorAnswer>): Promise<SimulatorAnswer> {
    const tail = answer.then(
      () => undefined,
      () => undefined,
    );
    this.queue = tail;
    void tail.then(() => {
      if (this.queue === tail) this.queue = undefined;
    });
    return answer;
  }

  private answerNow(tool: string, args: JsonObject): SimulatorAnswer | Promise<SimulatorAnswer> {
    const canonical = canonicalArguments(args);
    const position = { state: this.current, history: this.history };
    const answer = this.simulator.answer(tool, canonical, position);
    // Arguments the schema refused are no miss a model should fill in: the live server refuses them too.
    if (answer.provenance !== 'none' || answer.invalidArguments !== undefined || !this.simulator.generates) return this.advance(tool, canonical, answer);
    return this.simulator.generate(tool, canonical, position, answer).then((generated) => this.advance(tool, canonical, generated));
  }

  /** A generated answer moves the state exactly as a recorded one with the same error flag would (state.ts). */
  private advance(tool: string, canonical: string, answer: SimulatorAnswer): SimulatorAnswer {
    const definition = this.simulator.cache.tool(tool);
    if (definition) {
      const next = stateAfter(this.current, { tool, canonical, isError: answer.isError }, changesState(definition));
      if (next !== this.current) {
        this.current = next;
        if (!this.history.has(next)) this.history.set(next, this.history.size);
      }
    }
    return answer;
  }
}

function fromEntry(provenance: 'exact' | 'retrieved', entry: CacheEntry, similarity: number): SimulatorAnswer {
  return { provenance, result: entry.result, isError: entry.isError, similarity, source: { ...entry.source } };
}

/** A generated answer names its nearest example as its source, and all of them (with the model) apart. */
function fromGenerated(stored: GeneratedAnswer): SimulatorAnswer {
  const nearest = stored.examples[0];
  return {
    provenance: 'generated',
    result: stored.result,
    isError: stored.isError,
    similarity: nearest?.similarity ?? 0,
    ...(nearest ? { source: { runId: nearest.runId, subDagIndex: nearest.subDagIndex, step: nearest.step } } : {}),
    generated: { model: stored.model, examples: stored.examples.map((e) => ({ ...e })) },
  };
}
