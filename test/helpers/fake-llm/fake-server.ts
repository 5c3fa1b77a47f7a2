/** What both provider fakes share: a recording server, protocol checks, then the script. */
import { startRecordingServer, type FakeReply, type RecordedRequest } from './recording-server.js';
import { scriptRunner, type Script, type ScriptStep } from './script.js';

export interface FakeLlmServer {
  /** What a client takes as its base URL: the Anthropic origin, or the chat-completions `/v1` root. */
  baseURL: string;
  /** Every request received, in order, protocol-refused ones included. */
  requests: RecordedRequest[];
  /** The requests that passed the protocol checks and were answered by the script. */
  scripted: RecordedRequest[];
  /** Requests that arrived after the script ran out (each got a 500 saying so). */
  readonly unscripted: number;
  enqueue(...steps: ScriptStep[]): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  script?: Script;
  /** When set, any other key is refused with a 401, as the real API does. */
  apiKey?: string;
}

export interface Protocol {
  /** A refusal in the provider's error shape, or undefined when the request may reach the script. */
  check(request: RecordedRequest, apiKey: string | undefined): FakeReply | undefined;
  /** The reply when the script has run out. */
  exhausted(request: RecordedRequest): FakeReply;
  /** The base URL clients use, from the server's origin. */
  baseURL(origin: string): string;
}

export async function startFakeServer(protocol: Protocol, options: FakeServerOptions): Promise<FakeLlmServer> {
  const runner = scriptRunner(options.script ?? [], (request) => protocol.exhausted(request));
  const scripted: RecordedRequest[] = [];
  const server = await startRecordingServer((request) => {
    const refusal = protocol.check(request, options.apiKey);
    if (refusal) return refusal;
    scripted.push(request);
    return runner.next(request);
  });
  return {
    baseURL: protocol.baseURL(server.origin),
    requests: server.requests,
    scripted,
    get unscripted() {
      return runner.unscripted;
    },
    enqueue: (...steps) => runner.enqueue(...steps),
    close: () => server.close(),
  };
}
