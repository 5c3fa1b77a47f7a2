import type { CallPhase, JsonObject, JsonValue } from '../domain.js';

/** The recorded call an answer came from, as SimulatedAnswer['source'] names it. */
export interface CallSource {
  runId: string;
  subDagIndex: number;
  step: number;
}

export interface CacheEntryFields {
  tool: string;
  /** canonicalArguments(args): the exact-match key's argument part. */
  canonical: string;
  /** The arguments as recorded (with `${sandbox}`), as JSON text. */
  argumentsJson: string;
  /** The episode state before the call (see state.ts). */
  state: string;
  /** The state after it: equal to `state` unless the call changed state. */
  stateAfter: string;
  /** The raw CallToolResult as recorded, as JSON text. */
  resultJson: string;
  isError: boolean;
  phase: CallPhase;
  source: CallSource;
}

/**
 * One recorded call in the simulator's cache. Arguments and result are kept as JSON text and parsed
 * on every read: loading a large cache stays cheap, and a caller that edits an answer cannot change
 * what the next caller gets.
 */
export class CacheEntry implements CacheEntryFields {
  readonly tool: string;
  readonly canonical: string;
  readonly argumentsJson: string;
  readonly state: string;
  readonly stateAfter: string;
  readonly resultJson: string;
  readonly isError: boolean;
  readonly phase: CallPhase;
  readonly source: CallSource;

  constructor(fields: CacheEntryFields) {
    this.tool = fields.tool;
    this.canonical = fields.canonical;
    this.argumentsJson = fields.argumentsJson;
    this.state = fields.state;
    this.stateAfter = fields.stateAfter;
    this.resultJson = fields.resultJson;
    this.isError = fields.isError;
    this.phase = fields.phase;
    this.source = { ...fields.source };
  }

  get args(): JsonObject {
    return JSON.parse(this.argumentsJson) as JsonObject;
  }

  get result(): JsonValue {
    return JSON.parse(this.resultJson) as JsonValue;
  }
}

/** The order in which recordings of the same key compete: the first by (sub-DAG, step) answers. */
export function compareSources(a: CallSource, b: CallSource): number {
  return a.subDagIndex - b.subDagIndex || a.step - b.step || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);
}
