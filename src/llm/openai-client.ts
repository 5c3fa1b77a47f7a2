/**
 * Any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp's server, OpenAI) over
 * plain fetch: no SDK, no retries of its own, so Temporal retries and shows every attempt.
 */
import { describeEndpoint, type Endpoint } from './endpoint.js';
import { LlmError } from './errors.js';
import { cancelledError, httpError, networkError, timeoutError } from './http-error.js';
import { toChatCompletionsBody } from './openai-request.js';
import { fromChatCompletion } from './openai-response.js';
import type { LlmCallOptions, LlmClient, LlmRequest, LlmResponse } from './types.js';
import { validateRequest } from './validate-request.js';
import { objectOf, stringOf } from './wire-json.js';

export interface OpenAiCompatibleClientOptions {
  model: string;
  /** The API root, e.g. `http://127.0.0.1:8000/v1`; requests go to `{baseURL}/chat/completions`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer`; local servers usually need none. */
  apiKey?: string;
  timeoutMs: number;
  keyEnv?: string;
  modelField?: string;
}

export function createOpenAiCompatibleClient(options: OpenAiCompatibleClientOptions): LlmClient {
  const endpoint: Endpoint = {
    provider: 'openai-compatible',
    baseURL: options.baseURL,
    model: options.model,
    timeoutMs: options.timeoutMs,
    ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
    ...(options.modelField === undefined ? {} : { modelField: options.modelField }),
  };
  const url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  return {
    provider: 'openai-compatible',
    model: options.model,
    async complete(request: LlmRequest, callOptions: LlmCallOptions = {}): Promise<LlmResponse> {
      validateRequest(request, endpoint);
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
      let status: number;
      let text: string;
      let responseHeaders: Headers;
      try {
        // The signal covers reading the body too, so a server that stalls mid-answer also times out.
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(toChatCompletionsBody(request, options.model)),
          signal,
        });
        status = response.status;
        responseHeaders = response.headers;
        text = await response.text();
      } catch (error) {
        if (timeout.aborted) throw timeoutError(endpoint, error);
        if (callOptions.signal?.aborted) throw cancelledError(endpoint, error);
        throw networkError(endpoint, error);
      }
      if (status < 200 || status >= 300) {
        throw httpError(endpoint, { status, headers: responseHeaders, apiMessage: errorMessage(text) });
      }
      return fromChatCompletion(parseBody(text, endpoint), request, options.model);
    },
  };
}

/** OpenAI's `{"error":{"message"}}`, a bare `{"error":"…"}` (Ollama), `{"message"}`, or the text itself. */
function errorMessage(text: string): string | null {
  try {
    const body = objectOf(JSON.parse(text));
    const error = body.error;
    return stringOf(objectOf(error).message) ?? stringOf(error) ?? stringOf(body.message) ?? (text.trim().slice(0, 500) || null);
  } catch {
    return text.trim().slice(0, 500) || null;
  }
}

/** A 2xx whose body is not JSON is the server's fault (a proxy's HTML page, a cut-off stream): retryable. */
function parseBody(text: string, endpoint: Endpoint): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LlmError(
      `${describeEndpoint(endpoint)} answered 2xx with a body that is not JSON (${JSON.stringify(text.slice(0, 200))}); retry, and check llm.baseURL if it persists.`,
      { kind: 'server', retryable: true, provider: 'openai-compatible' },
    );
  }
}
