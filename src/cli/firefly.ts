#!/usr/bin/env -S node --import tsx
import { LlmConfigError } from '../llm/config.js';
import { SimulatorCacheError } from '../simulator/errors.js';
import { parseReportOptions, REPORT_USAGE, runReport } from './report.js';
import { REWARD_CHECK_USAGE, runRewardCheck } from './reward-check.js';
import { parseServeEnvOptions, runServeEnv, SERVE_ENV_USAGE } from './serve-env.js';
import { runSimulate } from './simulate.js';
import { parseSimulateOptions, SIMULATE_USAGE } from './simulate-options.js';
import { UsageError } from './usage-error.js';

/** The `firefly` command. Usage problems exit 2, other failures 1. */
const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<void> }> = {
  simulate: { usage: SIMULATE_USAGE, run: (argv) => runSimulate(parseSimulateOptions(argv)) },
  'serve-env': { usage: SERVE_ENV_USAGE, run: (argv) => runServeEnv(parseServeEnvOptions(argv)) },
  'reward-check': { usage: REWARD_CHECK_USAGE, run: runRewardCheck },
  report: {
    usage: REPORT_USAGE,
    run: async (argv) => {
      const server = await runReport(parseReportOptions(argv));
      // main's caller exits when main returns: a served report returns only once it stops serving.
      if (server) await new Promise((closed) => server.once('close', closed));
    },
  },
};

const USAGE = `usage: firefly <command> [flags]

commands:
  simulate      serve a dataset's simulator as an MCP server
  serve-env     serve a dataset as an RL environment (Open Reward Standard, per-episode MCP)
  reward-check  check that the reference earns reward 1 and known hacks 0
  report        serve a dataset's report.html (or print its path)

${Object.values(COMMANDS).map((c) => c.usage).join('\n\n')}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  const chosen = COMMANDS[command];
  if (!chosen) throw new UsageError(`unknown command "${command}": the commands are: ${Object.keys(COMMANDS).join(', ')} (see firefly --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stderr.write(`${chosen.usage}\n`);
    return;
  }
  await chosen.run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof SimulatorCacheError || error instanceof LlmConfigError;
    process.stderr.write(`firefly: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
