import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { FleetPlan, GenerateServerDatasetInput } from '../api.js';
import { MEMBER_SEPARATOR } from '../mcp/composite-spec.js';
import { SpecError } from '../mcp/errors.js';
import { parseServerSpec } from '../mcp/spec.js';
import { describeValue, expectObject, isPlainObject, rejectUnknownKeys } from '../mcp/spec-fields.js';

/**
 * A fleet file: the servers of one fleet run, each a run input file's path (as in examples/), or an
 * object with `file` and/or an inline `server` spec plus that server's own options; `defaults` are
 * the options every server gets unless its file or entry says otherwise.
 *
 *   {"servers": ["examples/memory.json", {"file": "examples/taskmanager.json", "subDagCount": 12}],
 *    "defaults": {"subDagCount": 24, "seed": 1}, "crossServer": {"share": 0.5},
 *    "split": {"testShare": 0.1, "holdOutServers": ["taskmanager"]}, "maxConcurrentServers": 2}
 *
 * Paths are relative to the worker's project root. Run options are checked by the workflow, as for a
 * single run; here the shapes, the server specs and the names.
 */
const ROOT = 'fleet';
const KEYS = ['servers', 'defaults', 'crossServer', 'split', 'maxConcurrentServers'];
const DEFAULTS = { crossShare: 0.5, testShare: 0.1, maxConcurrentServers: 2, seed: 1 };
const EXAMPLE = '{"servers": ["examples/memory.json", "examples/taskmanager.json"]}';

export async function readFleetPlan(input: unknown, projectRoot: string): Promise<FleetPlan> {
  const fleet = expectObject(input, ROOT, `give the fleet as an object, e.g. ${EXAMPLE}`);
  rejectUnknownKeys(fleet, KEYS, ROOT);
  if (!Array.isArray(fleet.servers) || fleet.servers.length === 0) {
    throw new SpecError(`${ROOT}.servers`, `${ROOT}.servers must list the fleet's servers, not ${describeValue(fleet.servers)}: e.g. ${EXAMPLE}`);
  }
  const defaults = fleet.defaults === undefined ? {} : expectObject(fleet.defaults, `${ROOT}.defaults`, 'give options every server gets, e.g. {"subDagCount": 24}');
  if ('server' in defaults) throw new SpecError(`${ROOT}.defaults.server`, `${ROOT}.defaults cannot hold a server: list servers in ${ROOT}.servers`);
  const servers: FleetPlan['servers'] = [];
  for (const [i, entry] of fleet.servers.entries()) {
    const server = await serverEntry(entry, `${ROOT}.servers[${i}]`, defaults, projectRoot);
    const taken = servers.findIndex((s) => s.name === server.name);
    if (taken >= 0) throw new SpecError(`${ROOT}.servers[${i}]`, `${ROOT}.servers[${i}] is server "${server.name}" again (as ${ROOT}.servers[${taken}]): give each server of a fleet its own name`);
    servers.push(server);
  }
  return {
    servers,
    seed: integerIn(defaults.seed, `${ROOT}.defaults.seed`, 0, 2 ** 31 - 1) ?? DEFAULTS.seed,
    crossServerShare: crossShare(fleet.crossServer),
    split: split(fleet.split, servers.map((s) => s.name)),
    maxConcurrentServers: integerIn(fleet.maxConcurrentServers, `${ROOT}.maxConcurrentServers`, 1, 50) ?? DEFAULTS.maxConcurrentServers,
  };
}

async function serverEntry(entry: unknown, field: string, defaults: Record<string, unknown>, projectRoot: string): Promise<FleetPlan['servers'][number]> {
  const given = typeof entry === 'string' ? { file: entry } : expectObject(entry, field, 'give a run input file\'s path, or {"file": …} / {"server": {…}} with options');
  const { file, server, ...options } = given;
  if (file === undefined && server === undefined) throw new SpecError(field, `${field} has neither file nor server: give the path of a run input file, or a server spec`);
  const fromFile = file === undefined ? {} : await runInputFile(file, typeof entry === 'string' ? field : `${field}.file`, projectRoot);
  const input = { ...defaults, ...fromFile, ...options, ...(server === undefined ? {} : { server }) } as GenerateServerDatasetInput;
  if (input.server === undefined) throw new SpecError(field, `${field}: ${String(file)} has no "server": a run input file holds {"server": {...}, ...options}`);
  try {
    const spec = parseServerSpec(input.server);
    if (spec.name.includes(MEMBER_SEPARATOR)) throw new SpecError('server.name', `server.name "${spec.name}" holds "${MEMBER_SEPARATOR}", which a fleet uses between a server's name and its tools: rename it`);
    return { name: spec.name, input };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    const at = (text: string) => text.replaceAll(/\bserver(?=[.[\s]|$)/g, `${field}.server`);
    throw new SpecError(at(error.field), at(error.message));
  }
}

async function runInputFile(file: unknown, field: string, projectRoot: string): Promise<Record<string, unknown>> {
  if (typeof file !== 'string' || file.trim() === '') throw new SpecError(field, `${field} must be a file path, not ${describeValue(file)}`);
  const path = isAbsolute(file) ? file : resolve(projectRoot, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecError(field, `${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a path relative to the worker's project root, or an absolute one`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SpecError(field, `${field}: ${path} is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new SpecError(field, `${field}: ${path} must hold a run input object such as {"server": {...}}`);
  return parsed;
}

function crossShare(value: unknown): number {
  if (value === undefined) return DEFAULTS.crossShare;
  const cross = expectObject(value, `${ROOT}.crossServer`, 'give e.g. {"share": 0.4}, or {"share": 0} for no cross-server tasks');
  rejectUnknownKeys(cross, ['share'], `${ROOT}.crossServer`);
  return numberIn(cross.share, `${ROOT}.crossServer.share`, 0, 0.9) ?? DEFAULTS.crossShare;
}

function split(value: unknown, servers: string[]): FleetPlan['split'] {
  if (value === undefined) return { testShare: DEFAULTS.testShare, seed: DEFAULTS.seed, holdOutServers: [] };
  const given = expectObject(value, `${ROOT}.split`, 'give e.g. {"testShare": 0.1, "seed": 1, "holdOutServers": ["memory"]}');
  rejectUnknownKeys(given, ['testShare', 'seed', 'holdOutServers'], `${ROOT}.split`);
  const held = given.holdOutServers ?? [];
  if (!Array.isArray(held) || !held.every((s) => typeof s === 'string')) {
    throw new SpecError(`${ROOT}.split.holdOutServers`, `${ROOT}.split.holdOutServers must list server names, not ${describeValue(held)}`);
  }
  held.forEach((name, i) => {
    if (!servers.includes(name)) throw new SpecError(`${ROOT}.split.holdOutServers[${i}]`, `${ROOT}.split.holdOutServers[${i}] is "${name}", which is not a server of the fleet (its servers are ${servers.join(', ')})`);
  });
  if (held.length === servers.length) throw new SpecError(`${ROOT}.split.holdOutServers`, `${ROOT}.split.holdOutServers holds every server: nothing would be left to train on`);
  return {
    testShare: numberIn(given.testShare, `${ROOT}.split.testShare`, 0, 0.9) ?? DEFAULTS.testShare,
    seed: integerIn(given.seed, `${ROOT}.split.seed`, 0, 2 ** 31 - 1) ?? DEFAULTS.seed,
    holdOutServers: held,
  };
}

function numberIn(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SpecError(field, `${field} must be a number from ${min} to ${max}, not ${describeValue(value)}`);
  }
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number | undefined {
  const number = numberIn(value, field, min, max);
  if (number !== undefined && !Number.isInteger(number)) throw new SpecError(field, `${field} must be a whole number, not ${number}`);
  return number;
}
