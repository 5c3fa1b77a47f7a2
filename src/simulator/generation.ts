import type { JsonObject, ToolDefinition } from '../domain.js';
import type { CallSource } from './cache-entry.js';
import { exactKey } from './state.js';

/**
 * Generated answers: what the simulator asks of a model when a call of a recorded tool misses
 * every recording, and how it remembers the answer so that the same call in the same state is
 * answered the same way ever after.
 */

/** A recording a generated answer is based on: where it was recorded and how close its arguments are. */
export interface ExampleSource extends CallSource {
  similarity: number;
}

/** One recorded call of the tool, shown to the model as an example of the server's answers. */
export interface GenerationExample {
  source: ExampleSource;
  arguments: JsonObject;
  /** The raw recorded result: a CallToolResult, or `{ error: { code, message } }` for a protocol error. */
  result: unknown;
  isError: boolean;
  /** Recorded in the state the call is made in (the same earlier writes), not only in another episode. */
  sameState: boolean;
}

export interface GenerationRequest {
  tool: ToolDefinition;
  /** The call's arguments in canonical form (parsed): two calls with the same key see the same request. */
  arguments: JsonObject;
  /** The episode state the call is made in (state.ts). */
  state: string;
  /** The nearest recordings of the same tool, most similar first; never empty. */
  examples: GenerationExample[];
}

/** A generated CallToolResult, or why none could be had (the answer then stays `none`, saying so). */
export type GenerationOutcome = { ok: true; result: JsonObject; isError: boolean; model: string } | { ok: false; reason: string };

/**
 * Answers calls the recording has no close match for. Failures of the model's output come back as
 * `{ ok: false }`; failures of the provider (rate limits, outages) are thrown, so that whatever runs
 * the simulator (a Temporal activity, a server) decides whether to retry.
 */
export interface ResponseGenerator {
  generate(request: GenerationRequest): Promise<GenerationOutcome>;
}

/** What a memo keeps per call: enough to give the identical answer again, and its provenance. */
export interface GeneratedAnswer {
  /** The CallToolResult, with `isError: true` in it when the answer is an error. */
  result: JsonObject;
  isError: boolean;
  /** The model that generated it, as the provider named it. */
  model: string;
  /** The recordings it was based on, most similar first. */
  examples: ExampleSource[];
}

/** A generated answer's key: the exact-match key of calls (tool, canonical arguments, state before the call). */
export interface GenerationKey {
  tool: string;
  canonical: string;
  state: string;
}

/**
 * Where generated answers are remembered. The first answer stored for a key wins: `put` returns
 * what the memo holds afterwards, which is another writer's answer if one got there first, so
 * concurrent simulators over one memo still agree. Asynchronous, so that a store can implement it.
 */
export interface GeneratedAnswerMemo {
  get(key: GenerationKey): Promise<GeneratedAnswer | undefined>;
  put(key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer>;
}

/** A memo for one process's lifetime: a simulator's default, and enough for one activity. */
export class InMemoryGeneratedMemo implements GeneratedAnswerMemo {
  private readonly answers = new Map<string, string>();

  get size(): number {
    return this.answers.size;
  }

  async get(key: GenerationKey): Promise<GeneratedAnswer | undefined> {
    const stored = this.answers.get(memoKey(key));
    // Kept as text: a caller that edits an answer cannot change what the next caller gets.
    return stored === undefined ? undefined : (JSON.parse(stored) as GeneratedAnswer);
  }

  async put(key: GenerationKey, answer: GeneratedAnswer): Promise<GeneratedAnswer> {
    const id = memoKey(key);
    if (!this.answers.has(id)) this.answers.set(id, JSON.stringify(answer));
    return JSON.parse(this.answers.get(id)!) as GeneratedAnswer;
  }
}

export function memoKey(key: GenerationKey): string {
  return exactKey(key.tool, key.canonical, key.state);
}
