/**
 * A local server speaking the Anthropic Messages API (`POST /v1/messages`), driven by a script.
 * Point the real SDK at it with `baseURL: server.baseURL`.
 */
import { checkMessagesRequest } from './anthropic-protocol.js';
import { anthropicError } from './anthropic-replies.js';
import { startFakeServer, type FakeLlmServer, type FakeServerOptions } from './fake-server.js';

export function startFakeAnthropic(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
  return startFakeServer(
    {
      check: checkMessagesRequest,
      exhausted: (request) => anthropicError(500, 'api_error', `the fake server's script has no reply left for ${request.path}`),
      baseURL: (origin) => origin,
    },
    options,
  );
}
