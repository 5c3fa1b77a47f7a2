import { LlmResponseGenerator } from '../src/llm/stages/llm-response-generator.js';
import { SimulatorCache } from '../src/simulator/cache.js';
import { canonicalArguments } from '../src/simulator/canonical.js';
import { simulatorInputFromStore } from '../src/simulator/from-store.js';
import type { GeneratedAnswerMemo } from '../src/simulator/generation.js';
import { Simulator } from '../src/simulator/simulator.js';
import type { UsageLedger } from '../src/llm/usage-ledger.js';
import type { ActivityDeps } from './deps.js';
import { runLlmOf } from './run-llm.js';

export interface SimulatorOfOptions {
  /**
   * Answer calls no recording is close to with the run's `simulate` model (provenance generated).
   * For replay only: verification proves that the recording alone replays, so it never asks. An
   * offline run has no model, and its simulator answers such calls `none` as without this option.
   */
  generate?: boolean;
  /** Where generated answers are remembered (default: the run's store, so every batch and retry agrees). */
  memo?: GeneratedAnswerMemo;
  /** Aborts model requests, e.g. the activity's cancellation signal. */
  signal?: AbortSignal;
  /** Where the generating model's tokens are added too (stage `simulate`), e.g. a replay's own count. */
  ledger?: UsageLedger;
}

/** A simulator over everything the run recorded, the probe episode included. */
export async function simulatorOf(deps: ActivityDeps, runId: string, options: SimulatorOfOptions = {}): Promise<Simulator> {
  const cache = SimulatorCache.fromRecording(await simulatorInputFromStore(deps.store, runId));
  if (!options.generate) return new Simulator(cache);
  const run = await deps.store.getRun(runId);
  const llm = run && runLlmOf(deps, run);
  if (!llm) return new Simulator(cache);
  const generator = new LlmResponseGenerator({
    client: llm.client('simulate'),
    // Unusable output is kept with the run's other rejections, for a person to read.
    onReject: (request, reason, raw) =>
      llm.reject('simulate', `${request.tool.name}(${canonicalArguments(request.arguments)}) in state "${request.state}"`, reason, raw),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
  });
  return new Simulator(cache, { generator, memo: options.memo ?? storeMemo(deps, runId) });
}

/** The run's generated answers in the store: a call answered once is answered the same in every later replay. */
function storeMemo(deps: ActivityDeps, runId: string): GeneratedAnswerMemo {
  return {
    get: (key) => deps.store.getGeneratedAnswer(runId, key),
    put: (key, answer) => deps.store.putGeneratedAnswer(runId, key, answer),
  };
}
