#!/usr/bin/env -S node --import tsx
import { LlmConfigError } from '../llm/config.js';
import { SimulatorCacheError } from '../simulator/errors.js';
import { parseReportOptions, REPORT_USAGE, runReport } from './report.js';
import { runSimulate } from './simulate.js';
import { parseSimulateOptions, SIMULATE_USAGE } from './simulate-options.js';
import { UsageError } from './usage-error.js';

/** The `firefly` command. Subcommands: simulate, report. Usage problems exit 2, other failures 1. */
const USAGE = `usage: firefly <command> [flags]

commands:
  simulate   serve a dataset's simulator as an MCP server
  report     serve a dataset's report.html (or print its path)

${SIMULATE_USAGE}

${REPORT_USAGE}`;

const COMMANDS = {
  simulate: { usage: SIMULATE_USAGE, run: (argv: string[]) => runSimulate(parseSimulateOptions(argv)) },
  report: {
    usage: REPORT_USAGE,
    run: async (argv: string[]) => {
      const server = await runReport(parseReportOptions(argv));
      // main's caller exits when main returns: a served report returns only once it stops serving.
      if (server) await new Promise((closed) => server.once('close', closed));
    },
  },
} as const;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  const known = COMMANDS[command as keyof typeof COMMANDS];
  if (!Object.hasOwn(COMMANDS, command) || !known) throw new UsageError(`unknown command "${command}": the commands are: ${Object.keys(COMMANDS).join(', ')} (see firefly --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stderr.write(`${known.usage}\n`);
    return;
  }
  await known.run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof SimulatorCacheError || error instanceof LlmConfigError;
    process.stderr.write(`firefly: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
