import { createSimulatorServer } from './mcp-server.js';
import type { Simulator } from './simulator.js';
import { LineTransport } from './stdio-transport.js';

export interface StdioOptions {
  /** The longest line read, in bytes (default 1 MiB); a longer one is answered with an error and skipped. */
  maxMessageBytes?: number;
}

/**
 * Serves the simulator on this process's stdin and stdout: one process, one session, one episode.
 * stdout carries the protocol only, so everything else goes to `log` (stderr in the CLI). Every
 * malformed line gets a JSON-RPC error and the session goes on (see LineTransport).
 * Resolves once the client has gone (stdin ended) or the transport closed.
 */
export async function serveStdio(simulator: Simulator, log: (line: string) => void, options: StdioOptions = {}): Promise<void> {
  const server = createSimulatorServer(simulator, { onError: (error) => log(`protocol error: ${error.message}`) });
  const transport = new LineTransport(process.stdin, process.stdout, { maxMessageBytes: options.maxMessageBytes, log });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
}
