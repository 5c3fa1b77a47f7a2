/** The Anthropic SDK's exceptions → LlmError. Anything that is not the SDK's passes through unchanged. */
import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { describeEndpoint, type Endpoint } from './endpoint.js';
import { LlmError } from './errors.js';
import { cancelledError, httpError, networkError, timeoutError } from './http-error.js';

export function fromAnthropicError(error: unknown, endpoint: Endpoint): unknown {
  // Subclasses first: a timeout is a connection error, and both are APIErrors without a status.
  if (error instanceof APIConnectionTimeoutError) return timeoutError(endpoint, error);
  if (error instanceof APIUserAbortError) return cancelledError(endpoint, error);
  if (error instanceof APIConnectionError) return networkError(endpoint, error.cause ?? error);
  if (error instanceof APIError && typeof error.status === 'number') {
    return httpError(endpoint, { status: error.status, headers: error.headers, apiMessage: error.apiMessage, cause: error });
  }
  if (error instanceof AnthropicError) {
    // Raised before any request: no usable credentials, or a request the SDK itself refuses.
    return new LlmError(`the Anthropic SDK refused to send the request to ${describeEndpoint(endpoint)}: ${error.message}`, {
      kind: 'bad-request',
      retryable: false,
      provider: 'anthropic',
      cause: error,
    });
  }
  return error;
}
