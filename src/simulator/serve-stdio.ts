import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createSimulatorServer } from './mcp-server.js';
import type { Simulator } from './simulator.js';

/**
 * Serves the simulator on this process's stdin and stdout: one process, one session, one episode.
 * stdout carries the protocol only, so everything else goes to `log` (stderr in the CLI).
 * Resolves once the client has gone (stdin ended) or the transport closed.
 */
export async function serveStdio(simulator: Simulator, log: (line: string) => void): Promise<void> {
  const server = createSimulatorServer(simulator, { onError: (error) => log(`protocol error: ${error.message}`) });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => void server.close().finally(resolve));
  });
  await server.connect(transport);
  await closed;
}
