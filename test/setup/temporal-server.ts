// Vitest global setup: one Temporal dev server for the whole run. temporal-dev.sh installs
// the CLI if missing and starts the server unless one already answers, so `npm test` works
// on a fresh machine. A server that fails to start fails the run: tests never skip for it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** gRPC address of the dev server, e.g. `127.0.0.1:7233`. */
    temporalAddress: string;
    /** Absolute path of the Temporal CLI binary the server runs on. */
    temporalCli: string;
  }
}

const devScript = fileURLToPath(new URL('../../temporal-dev.sh', import.meta.url));
// Same default as temporal-dev.sh; both read TEMPORAL_PORT.
const port = process.env.TEMPORAL_PORT ?? '7233';

function devServer(command: 'start' | 'path'): string {
  const result = spawnSync('bash', [devScript, command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(
      `temporal-dev.sh ${command} failed (${why}); no tests can run without the dev server.\n` +
        `${result.stdout}${result.stderr}`,
    );
  }
  process.stderr.write(result.stderr);
  return result.stdout;
}

export default function setup(project: TestProject): void {
  process.stdout.write(devServer('start'));
  project.provide('temporalAddress', `127.0.0.1:${port}`);
  project.provide('temporalCli', devServer('path').trim());
  // No teardown: the server may predate this run, and the next run reuses it.
}
