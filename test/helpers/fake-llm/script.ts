/**
 * What a fake server answers, in order: a queue of replies (each fixed, or computed from the
 * request it answers), or one function of every request. Lets a test script a whole tool-use
 * conversation, or a fault at a chosen turn.
 */
import type { FakeReply, RecordedRequest, Replying } from './recording-server.js';

export type ScriptStep = FakeReply | ((request: RecordedRequest) => Replying);
export type Script = ScriptStep[] | ((request: RecordedRequest, index: number) => ScriptStep);

export interface ScriptRunner {
  next(request: RecordedRequest): Replying;
  /** Append replies to a queue script. */
  enqueue(...steps: ScriptStep[]): void;
  /** Requests that arrived when the queue was empty; each got `whenExhausted`'s reply. */
  readonly unscripted: number;
}

export function scriptRunner(script: Script, whenExhausted: (request: RecordedRequest) => FakeReply): ScriptRunner {
  const queue = Array.isArray(script) ? [...script] : undefined;
  let index = 0;
  let unscripted = 0;
  return {
    next(request) {
      const at = index++;
      const step = queue ? queue.shift() : (script as Exclude<Script, ScriptStep[]>)(request, at);
      if (step === undefined) {
        unscripted++;
        return whenExhausted(request);
      }
      return typeof step === 'function' ? step(request) : step;
    },
    enqueue(...steps) {
      if (!queue) throw new Error('enqueue needs a queue script, not a function script');
      queue.push(...steps);
    },
    get unscripted() {
      return unscripted;
    },
  };
}

/** Never answer: the client's timeout must fire. */
export const hang = (): FakeReply => ({ hang: true });
