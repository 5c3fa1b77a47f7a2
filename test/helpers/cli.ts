import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { RuntimeConfig } from '../../src/config.js';

const run = promisify(execFile);

/** Runs the Temporal CLI against a test's server, the way a user would from a shell. */
export async function temporalCli(config: RuntimeConfig, args: string[]): Promise<string> {
  const { stdout } = await run(inject('temporalCli'), [...args, '--address', config.temporalAddress, '--namespace', config.namespace], {
    timeout: 60_000,
  });
  return stdout;
}
