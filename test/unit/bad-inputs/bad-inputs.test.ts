import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachePath } from '../../../src/cli/simulate.js';
import { parseSimulateOptions } from '../../../src/cli/simulate-options.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { SpecError } from '../../../src/mcp/errors.js';
import { parseServerSpec } from '../../../src/mcp/spec.js';
import { parsePolicy } from '../../../src/policy/parse.js';
import { readSimulatorCache } from '../../../src/simulator/cache-file.js';
import { SimulatorCacheError } from '../../../src/simulator/errors.js';
import type { GenerateServerDatasetInput } from '../../../src/api.js';
import { runOptions } from '../../../workflows/options.js';
import { identityDifferences, RunIdentityError } from '../../../src/run-identity.js';
import type { JsonValue } from '../../../src/domain.js';

/** What prepareRun does for a recorded run: refuse inputs that would change its data. */
function refuseChanged(recorded: { spec: JsonValue; options: JsonValue }, server: unknown, options: object): void {
  const differences = identityDifferences(recorded, server, options);
  if (differences.length > 0) throw new RunIdentityError('run-1', differences);
}

/**
 * Malformed inputs from every door a user has — the workflow input, server specs, policy files,
 * dataset directories and the CLI's flags — each refused with an error of the right type whose message
 * names the field (or flag) at fault and says how to fix it.
 */
interface BadInput {
  area: string;
  problem: string;
  attempt: () => unknown;
  type: new (...args: never[]) => Error;
  /** The field or flag the message must name. */
  names: string;
}

const memory = { name: 'memory', command: 'node', args: ['${bin:@modelcontextprotocol/server-memory}'] };
const input = (extra: object): GenerateServerDatasetInput => ({ server: memory, ...extra }) as GenerateServerDatasetInput;
const workdir = mkdtempSync(join(tmpdir(), 'firefly-bad-inputs-'));

function file(name: string, content: string | Buffer): string {
  const path = join(workdir, name);
  writeFileSync(path, content);
  return path;
}

function sqliteWith(name: string, sql: string): string {
  const path = join(workdir, name);
  const db = new Database(path);
  db.exec(sql);
  db.close();
  return path;
}

const { ApplicationFailure } = await import('@temporalio/common');

const CASES: BadInput[] = [
  // The workflow input.
  { area: 'workflow input', problem: 'not an object', attempt: () => runOptions([] as never), type: ApplicationFailure, names: 'JSON object' },
  { area: 'workflow input', problem: 'no server', attempt: () => runOptions({} as never), type: ApplicationFailure, names: 'input.server' },
  { area: 'workflow input', problem: 'a misspelt field', attempt: () => runOptions(input({ subDagCuont: 3 })), type: ApplicationFailure, names: 'subDagCuont' },
  { area: 'workflow input', problem: 'subDagCount zero', attempt: () => runOptions(input({ subDagCount: 0 })), type: ApplicationFailure, names: 'input.subDagCount' },
  { area: 'workflow input', problem: 'subDagCount a string', attempt: () => runOptions(input({ subDagCount: '12' })), type: ApplicationFailure, names: 'input.subDagCount' },
  { area: 'workflow input', problem: 'subDagCount fractional', attempt: () => runOptions(input({ subDagCount: 2.5 })), type: ApplicationFailure, names: 'input.subDagCount' },
  { area: 'workflow input', problem: 'negative seed', attempt: () => runOptions(input({ seed: -1 })), type: ApplicationFailure, names: 'input.seed' },
  { area: 'workflow input', problem: 'concurrency too high', attempt: () => runOptions(input({ maxConcurrentExplorations: 5000 })), type: ApplicationFailure, names: 'input.maxConcurrentExplorations' },
  { area: 'workflow input', problem: 'explorationsPerHistory zero', attempt: () => runOptions(input({ explorationsPerHistory: 0 })), type: ApplicationFailure, names: 'input.explorationsPerHistory' },
  { area: 'workflow input', problem: 'extend not a boolean', attempt: () => runOptions(input({ extend: 'yes' })), type: ApplicationFailure, names: 'input.extend' },
  // A recorded run's workflow ID started again with other inputs.
  {
    area: 'run identity',
    problem: 'another server',
    attempt: () => refuseChanged({ spec: { name: 'memory', command: 'node' }, options: { seed: 1, subDagCount: 3 } }, { name: 'notes', command: 'node' }, { seed: 1, subDagCount: 3 }),
    type: RunIdentityError,
    names: 'server.name',
  },
  {
    area: 'run identity',
    problem: 'another seed',
    attempt: () => refuseChanged({ spec: { name: 'memory' }, options: { seed: 1, subDagCount: 3 } }, { name: 'memory' }, { seed: 2, subDagCount: 3 }),
    type: RunIdentityError,
    names: 'seed',
  },
  {
    area: 'run identity',
    problem: 'a larger subDagCount without extend',
    attempt: () => refuseChanged({ spec: { name: 'memory' }, options: { seed: 1, subDagCount: 3 } }, { name: 'memory' }, { seed: 1, subDagCount: 9 }),
    type: RunIdentityError,
    names: 'subDagCount',
  },
  {
    area: 'run identity',
    problem: 'a smaller subDagCount, even with extend',
    attempt: () => refuseChanged({ spec: { name: 'memory' }, options: { seed: 1, subDagCount: 9 } }, { name: 'memory' }, { seed: 1, subDagCount: 3, extend: true }),
    type: RunIdentityError,
    names: 'subDagCount',
  },
  {
    area: 'run identity',
    problem: 'another secret in the spec (named, never shown)',
    attempt: () => refuseChanged({ spec: { name: 'gh', env: { TOKEN: 'ghp_old0000000000000000' } }, options: {} }, { name: 'gh', env: { TOKEN: 'ghp_new1111111111111111' } }, {}),
    type: RunIdentityError,
    names: 'server.env.TOKEN differs',
  },
  // Server specs.
  { area: 'server spec', problem: 'not an object', attempt: () => parseServerSpec('node server.js'), type: SpecError, names: 'server' },
  { area: 'server spec', problem: 'no name', attempt: () => parseServerSpec({ command: 'node' }), type: SpecError, names: 'server.name' },
  { area: 'server spec', problem: 'a name with spaces', attempt: () => parseServerSpec({ ...memory, name: 'my server' }), type: SpecError, names: 'server.name' },
  { area: 'server spec', problem: 'no command and no url', attempt: () => parseServerSpec({ name: 'x' }), type: SpecError, names: 'server' },
  { area: 'server spec', problem: 'an unknown transport', attempt: () => parseServerSpec({ ...memory, transport: 'carrier-pigeon' }), type: SpecError, names: 'server.transport' },
  { area: 'server spec', problem: 'args not an array', attempt: () => parseServerSpec({ ...memory, args: '--stdio' }), type: SpecError, names: 'server.args' },
  { area: 'server spec', problem: 'an env value that is a number', attempt: () => parseServerSpec({ ...memory, env: { PORT: 3000 } }), type: SpecError, names: 'server.env.PORT' },
  { area: 'server spec', problem: 'an unknown placeholder', attempt: () => parseServerSpec({ ...memory, args: ['${sandbx}'] }), type: SpecError, names: 'server.args[0]' },
  { area: 'server spec', problem: 'a misspelt key', attempt: () => parseServerSpec({ ...memory, comand: 'node' }), type: SpecError, names: 'comand' },
  { area: 'server spec', problem: 'a setup call without a tool', attempt: () => parseServerSpec({ ...memory, setup: [{ arguments: {} }] }), type: SpecError, names: 'server.setup[0].tool' },
  { area: 'server spec', problem: 'an http url that is not a URL', attempt: () => parseServerSpec({ name: 'remote', transport: 'http', url: 'not a url' }), type: SpecError, names: 'server.url' },
  { area: 'server spec', problem: 'argument hints not arrays', attempt: () => parseServerSpec({ ...memory, argumentHints: { query: 'Ada' } }), type: SpecError, names: 'server.argumentHints.query' },
  { area: 'server spec', problem: 'a negative call timeout', attempt: () => parseServerSpec({ ...memory, callTimeoutMs: -5 }), type: SpecError, names: 'server.callTimeoutMs' },
  { area: 'server spec', problem: 'exclude not a list', attempt: () => parseServerSpec({ ...memory, exclude: 'delete_entities' }), type: SpecError, names: 'server.exclude' },
  // Policy files.
  { area: 'policy', problem: 'not an object', attempt: () => parsePolicy(['delete_*']), type: SpecError, names: 'policy' },
  { area: 'policy', problem: 'a misspelt key', attempt: () => parsePolicy({ servers: {}, defualt: {} }), type: SpecError, names: 'defualt' },
  { area: 'policy', problem: 'deny not a list', attempt: () => parsePolicy({ servers: { memory: { deny: 'delete_*' } } }), type: SpecError, names: 'policy.servers.memory.deny' },
  { area: 'policy', problem: 'a pattern that is not a string', attempt: () => parsePolicy({ default: { allow: ['read_*', 7] } }), type: SpecError, names: 'policy.default.allow[1]' },
  { area: 'policy', problem: 'allowDestructive a string', attempt: () => parsePolicy({ default: { allowDestructive: 'yes' } }), type: SpecError, names: 'policy.default.allowDestructive' },
  { area: 'policy', problem: 'a pattern with the server prefix', attempt: () => parsePolicy({ servers: { memory: { deny: ['memory/delete_entities'] } } }), type: SpecError, names: 'policy.servers.memory.deny[0]' },
  // Dataset directories.
  { area: 'dataset', problem: 'a directory that does not exist', attempt: () => cachePath(join(workdir, 'missing')), type: UsageError, names: '--dataset' },
  { area: 'dataset', problem: 'a directory without simulator.sqlite', attempt: () => cachePath(mkdirSync(join(workdir, 'empty'), { recursive: true }) ?? join(workdir, 'empty')), type: UsageError, names: 'simulator.sqlite' },
  { area: 'dataset', problem: 'a cache file that is not SQLite', attempt: () => readSimulatorCache(file('garbage.sqlite', 'not a database at all, just text')), type: SimulatorCacheError, names: 'garbage.sqlite' },
  { area: 'dataset', problem: 'a SQLite file that is not a cache', attempt: () => readSimulatorCache(sqliteWith('other.sqlite', 'CREATE TABLE notes (x TEXT)')), type: SimulatorCacheError, names: 'meta table' },
  { area: 'dataset', problem: 'a cache of another format', attempt: () => readSimulatorCache(sqliteWith('alien.sqlite', "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('format', 'alien')")), type: SimulatorCacheError, names: 'meta.format' },
  // CLI flags.
  { area: 'CLI', problem: 'no --dataset', attempt: () => parseSimulateOptions([]), type: UsageError, names: '--dataset' },
  { area: 'CLI', problem: 'an unknown flag', attempt: () => parseSimulateOptions(['--dataset', 'd', '--verbose']), type: UsageError, names: '--verbose' },
  { area: 'CLI', problem: 'a port that is not a number', attempt: () => parseSimulateOptions(['--dataset', 'd', '--http', '--port', 'eighty']), type: UsageError, names: '--port' },
  { area: 'CLI', problem: 'a threshold above 1', attempt: () => parseSimulateOptions(['--dataset', 'd', '--threshold', '1.5']), type: UsageError, names: '--threshold' },
  { area: 'CLI', problem: '--port without --http', attempt: () => parseSimulateOptions(['--dataset', 'd', '--port', '8080']), type: UsageError, names: '--http' },
];

describe('bad inputs are refused with an error that names the field', () => {
  it('tries at least 30 malformed inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [`${c.area}: ${c.problem}`, c] as const))('%s', (_label, { attempt, type, names }) => {
    let thrown: unknown;
    try {
      attempt();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toContain(names);
  });
});
