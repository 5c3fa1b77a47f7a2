/**
 * A local server speaking OpenAI chat completions (`POST /v1/chat/completions`), driven by a
 * script, as vLLM, Ollama or llama.cpp's server would answer. Clients take `server.baseURL` (`…/v1`).
 */
import { startFakeServer, type FakeLlmServer, type FakeServerOptions } from './fake-server.js';
import { chatError } from './openai-replies.js';
import { checkChatRequest } from './openai-protocol.js';

export function startFakeOpenAi(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
  return startFakeServer(
    {
      check: checkChatRequest,
      exhausted: (request) => chatError(500, `the fake server's script has no reply left for ${request.path}`, 'server_error'),
      baseURL: (origin) => `${origin}/v1`,
    },
    options,
  );
}
