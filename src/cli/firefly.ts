#!/usr/bin/env -S node --import tsx
import { LlmConfigError } from '../llm/config.js';
import { SimulatorCacheError } from '../simulator/errors.js';
import { runSimulate } from './simulate.js';
import { parseSimulateOptions, SIMULATE_USAGE } from './simulate-options.js';
import { UsageError } from './usage-error.js';

/** The `firefly` command. Subcommands: simulate. Usage problems exit 2, other failures 1. */
const USAGE = `usage: firefly <command> [flags]

commands:
  simulate   serve a dataset's simulator as an MCP server

${SIMULATE_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  if (command !== 'simulate') throw new UsageError(`unknown command "${command}": the commands are: simulate (see firefly --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stderr.write(`${SIMULATE_USAGE}\n`);
    return;
  }
  await runSimulate(parseSimulateOptions(rest));
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof SimulatorCacheError || error instanceof LlmConfigError;
    process.stderr.write(`firefly: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
