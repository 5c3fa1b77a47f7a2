/**
 * LlmErrors for each way an exchange can fail, with messages that say what to do. Both clients
 * build their errors here, so a 401 reads the same whichever provider sent it.
 */
import { describeEndpoint, type Endpoint } from './endpoint.js';
import { classifyStatus, LlmError } from './errors.js';
import { retryAfterMs, type HeaderLookup } from './retry-after.js';

export interface HttpFailure {
  status: number;
  headers?: HeaderLookup;
  /** The provider's own explanation, from the error body. */
  apiMessage?: string | null;
  cause?: unknown;
}

export function httpError(endpoint: Endpoint, failure: HttpFailure, nowMs: number = Date.now()): LlmError {
  const { status } = failure;
  const { kind, retryable } = classifyStatus(status);
  const wait = retryable ? retryAfterMs(failure.headers, nowMs) : undefined;
  const said = failure.apiMessage ? ` The API said: ${failure.apiMessage}` : '';
  const message = `${whatHappened(endpoint, status, kind, wait)}${said}`;
  return new LlmError(message, {
    kind,
    retryable,
    provider: endpoint.provider,
    status,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
    ...(failure.cause === undefined ? {} : { cause: failure.cause }),
  });
}

function whatHappened(endpoint: Endpoint, status: number, kind: string, wait: number | undefined): string {
  const who = describeEndpoint(endpoint);
  const modelField = endpoint.modelField ?? 'the model setting';
  switch (kind) {
    case 'rate-limited':
      return (
        `${who} is rate limiting (${status}); ${wait === undefined ? 'retry with backoff' : `retry after ${wait / 1000} s`}: ` +
        'lower llm.requestsPerMinute or llm.maxConcurrent if this persists.'
      );
    case 'overloaded':
      return `${who} is overloaded (${status}); retry later.`;
    case 'timeout':
      return `${who} timed the request out (${status}); retry.`;
    case 'auth':
      if (status === 402) return `${who} refused the request for billing reasons (402): check the account's credit.`;
      if (status === 403) {
        return (
          `${who} refused access with this key (403): use a key allowed to call model '${endpoint.model}'` +
          `${endpoint.keyEnv ? ` in ${endpoint.keyEnv}` : ''}, or choose another model in ${modelField}.`
        );
      }
      return endpoint.keyEnv
        ? `${who} refused the key (401): set ${endpoint.keyEnv} to a valid key.`
        : `${who} asks for a key (401): put it in the worker's environment and name the variable in llm.apiKeyEnv.`;
    case 'not-found':
      return (
        `${who} does not serve model '${endpoint.model}' (404): set ${modelField} to a model it serves, ` +
        `and check that llm.baseURL (${endpoint.baseURL}) is the API's base URL.`
      );
    case 'bad-request':
      return `${who} rejected the request (${status}); retrying will not help: fix the request.`;
    default:
      return `${who} failed (${status}); retry.`;
  }
}

export function timeoutError(endpoint: Endpoint, cause?: unknown): LlmError {
  return new LlmError(
    `${describeEndpoint(endpoint)} did not answer within ${endpoint.timeoutMs} ms; retry, ` +
      'or raise llm.timeoutMs if answers are long (large maxTokens).',
    { kind: 'timeout', retryable: true, provider: endpoint.provider, cause },
  );
}

export function networkError(endpoint: Endpoint, cause?: unknown): LlmError {
  const reason = cause instanceof Error ? causeText(cause) : String(cause);
  return new LlmError(
    `could not reach ${describeEndpoint(endpoint)} (${reason}); retry, and check llm.baseURL if it persists.`,
    { kind: 'network', retryable: true, provider: endpoint.provider, cause },
  );
}

export function cancelledError(endpoint: Endpoint, cause?: unknown): LlmError {
  return new LlmError(`the request to ${describeEndpoint(endpoint)} was cancelled.`, {
    kind: 'cancelled',
    retryable: false,
    provider: endpoint.provider,
    cause,
  });
}

/** fetch hides the useful part (ECONNREFUSED …) in `cause`. */
function causeText(error: Error): string {
  const inner = error.cause;
  return inner instanceof Error && inner.message ? `${error.message}: ${inner.message}` : error.message;
}
