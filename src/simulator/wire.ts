import type { JsonObject } from '../domain.js';
import { isJsonObject as isObject } from '../json.js';
import type { SimulatorAnswer } from './simulator.js';

/** The `_meta` keys every simulated tools/call answer carries. */
export const META_PROVENANCE = 'firefly/provenance';
export const META_SIMILARITY = 'firefly/similarity';
export const META_SOURCE = 'firefly/source';
/** State-changing calls between the episode's state and the answering (or nearest) recording's; absent without one. */
export const META_STATE_DISTANCE = 'firefly/stateDistance';
/** Generated answers only: the model, and every recording the answer was based on (with its similarity). */
export const META_MODEL = 'firefly/model';
export const META_EXAMPLES = 'firefly/examples';

/** A recorded answer that was a protocol error, replayed as one: code, message and data as received. */
export class ReplayedProtocolError extends Error {
  override readonly name = 'ReplayedProtocolError';
  constructor(
    readonly code: number,
    message: string,
    readonly data: JsonObject,
  ) {
    super(message);
  }
}

export function answerMeta(answer: SimulatorAnswer): JsonObject {
  return {
    [META_PROVENANCE]: answer.provenance,
    [META_SIMILARITY]: answer.similarity,
    [META_SOURCE]: answer.source ? { ...answer.source } : null,
    ...(answer.stateDistance === undefined ? {} : { [META_STATE_DISTANCE]: answer.stateDistance }),
    ...(answer.generated ? { [META_MODEL]: answer.generated.model, [META_EXAMPLES]: answer.generated.examples.map((e) => ({ ...e })) } : {}),
  };
}

/**
 * An answer as it goes over the wire. A recorded CallToolResult is sent as it was recorded, with
 * the provenance added to its `_meta`. A recorded protocol error (`{ error: { code, message } }`,
 * what the store keeps when the server threw or timed out) is thrown again as that error, so an
 * agent sees what the real server did; the SDK sends a thrown error's own code, message and data.
 */
export function toWireResult(answer: SimulatorAnswer): JsonObject {
  const result = answer.result;
  const meta = answerMeta(answer);
  if (isObject(result) && Array.isArray(result.content)) {
    return { ...result, _meta: { ...(isObject(result._meta) ? result._meta : {}), ...meta } };
  }
  const error = isObject(result) && isObject(result.error) ? result.error : {};
  const code = typeof error.code === 'number' && Number.isSafeInteger(error.code) ? error.code : INTERNAL_ERROR;
  const message = typeof error.message === 'string' ? error.message : 'the recorded server answered without a result';
  throw new ReplayedProtocolError(code, message, { ...(isObject(error.data) ? error.data : {}), ...meta });
}

const INTERNAL_ERROR = -32603;

