import type { RecordedCall } from '../domain.js';
import type { Redactor } from './redactor.js';

/** A call as the store keeps it: arguments, result and the values its links carried, redacted. */
export function redactCall(call: RecordedCall, redactor: Redactor): RecordedCall {
  return {
    ...call,
    arguments: redactor.redact(call.arguments),
    result: redactor.redact(call.result),
    links: call.links.map((link) => ({ ...link, value: redactor.redact(link.value) })),
  };
}
