import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import type { GenerateServerDatasetInput } from '../../src/api.js';

/** The development fleet: each is examples/<name>.json. */
export type FleetServer = 'memory' | 'filesystem' | 'taskmanager' | 'everything';

/** What the fault proxy can do to the Nth tools/call of a run (see fixtures/fault-proxy.mjs). */
export type ProxyFaultKind = 'kill' | 'hang' | 'garbage' | 'huge';

export interface FaultPlan {
  faults: Array<{ at: number; kind: ProxyFaultKind; bytes?: number }>;
}

/** Run settings that decide what a run records: a faulty run and its baseline share them. */
export interface RunShape {
  server: FleetServer;
  seed: number;
  subDagCount: number;
  /** Small for faults that end in a timeout, so that a lost reply costs seconds, not the 30 s default. */
  callTimeoutMs?: number;
}

export function shapeKey(shape: RunShape): string {
  return `${shape.server}/seed-${shape.seed}/${shape.subDagCount}/${shape.callTimeoutMs ?? 'default'}`;
}

const PROXY = '${project}/test/faults/fixtures/fault-proxy.mjs';

/**
 * The example's run input with its server started through the fault proxy and `plan` (written to
 * `planFile`); an empty plan makes the fault-free baseline, so that both go through the same proxy.
 */
export async function proxiedInput(shape: RunShape, planFile: string, plan: FaultPlan): Promise<GenerateServerDatasetInput> {
  writeFileSync(planFile, JSON.stringify(plan));
  const example = JSON.parse(await readFile(resolve(PROJECT_ROOT, `examples/${shape.server}.json`), 'utf8')) as GenerateServerDatasetInput & {
    server: { command: string; args?: string[] } & Record<string, unknown>;
  };
  const { command, args = [] } = example.server;
  return {
    // The example's other settings (e.g. what it may call) apply as they are.
    ...example,
    server: {
      ...example.server,
      command: 'node',
      args: [PROXY, planFile, '--', command, ...args],
      ...(shape.callTimeoutMs ? { callTimeoutMs: shape.callTimeoutMs } : {}),
    },
    subDagCount: shape.subDagCount,
    seed: shape.seed,
  };
}
