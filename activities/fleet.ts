import { log } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fleetServerWorkflowId, type FleetDataset, type FleetPlan, type GenerateServerDatasetInput } from '../src/api.js';
import type { JsonObject } from '../src/domain.js';
import { exportDataset } from '../src/export/export-dataset.js';
import { rewardIntegrityOf } from '../src/env/reward-integrity.js';
import { replayReferences } from '../src/export/reference-replay.js';
import { readFleetPlan } from '../src/fleet/fleet-file.js';
import { asFleetRun, fleetTools, type FleetRunRecord } from '../src/fleet/fleet-run.js';
import { normalisedInstruction, splitTasks } from '../src/fleet/split.js';
import { compositeSpecInput, memberToolName } from '../src/mcp/composite-spec.js';
import { parseServerSpec } from '../src/mcp/spec.js';
import { safePathComponent } from '../src/safe-path.js';
import { writeSimulatorCache } from '../src/simulator/cache-file.js';
import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { verifiedTasks } from './verified-tasks.js';
import { pipelineVersion } from './export.js';
import type { Task } from '../src/domain.js';
import { brokenTools } from '../src/explore/broken-tools.js';
import { reportTask } from '../src/report/dataset-report.js';
import type { ReportData } from '../src/report/report-data.js';
import { serverRow } from '../src/report/server-row.js';

/** The composite's name in its tools' `server/tool` names: its tools are its members'. */
const CROSS_SERVER = 'cross-server';
/** Sub-DAGs a server explores when neither its file nor the fleet's defaults say (as a single run). */
const DEFAULT_SUB_DAGS = 12;

/** Reads and checks the fleet file: every server's spec and the fleet's own options; bad input names its field. */
export function prepareFleetActivity(deps: ActivityDeps) {
  return async function prepareFleet(input: { fleet: unknown }): Promise<FleetPlan> {
    return withFailureMapping(() => readFleetPlan(input.fleet, deps.projectRoot));
  };
}

export interface CrossServerRun {
  runId: string;
  input: GenerateServerDatasetInput;
  members: string[];
}

/**
 * The composite run that explores between the fleet's servers that generated. A fleet started
 * again with added servers gets a new composite whose every edge touches an added server (its
 * `focus`): what earlier composites of the fleet explored is kept, not explored again. Null when
 * there is nothing new to cross. A server with a tool policy of its own stays out: the composite
 * could not honour it.
 */
export function planCrossServerActivity(deps: ActivityDeps) {
  return async function planCrossServer(input: { fleetId: string; servers: FleetPlan['servers']; share: number; seed: number }): Promise<CrossServerRun | null> {
    return withFailureMapping(async () => {
      const eligible = input.servers.filter(({ name, input: run }) => {
        const own = run.policy !== undefined || run.policyFile !== undefined;
        if (own) log.warn(`server ${name} has a tool policy of its own: it takes no part in cross-server exploration`);
        return !own;
      });
      if (eligible.length < 2 || input.share <= 0) return null;
      const members = eligible.map((s) => s.name).sort();
      const runId = crossServerRunId(input.fleetId, members);
      const earlier = (await deps.store.listRuns(crossServerPrefix(input.fleetId))).filter((r) => r.runId !== runId);
      const covered = new Set(earlier.flatMap((r) => memberNames(r.spec)));
      const focus = earlier.length === 0 ? undefined : members.filter((m) => !covered.has(m));
      if (focus && focus.length === 0) return null;
      const focused = eligible.filter((s) => !focus || focus.includes(s.name));
      const subDags = focused.reduce((sum, s) => sum + (s.input.subDagCount ?? DEFAULT_SUB_DAGS), 0);
      return {
        runId,
        members,
        input: {
          server: compositeSpecInput(CROSS_SERVER, eligible.map((s) => s.input.server), focus),
          subDagCount: Math.max(1, Math.round((subDags * input.share) / (1 - input.share))),
          seed: input.seed,
          policy: await compositePolicy(deps, input.fleetId, eligible),
        },
      };
    });
  };
}

/**
 * Each member's destructive tools may be called across servers only if its own run allowed them: the
 * composite allows destructive tools and denies, by name, those of the members that did not (their
 * annotations are known from the members' own runs).
 */
async function compositePolicy(deps: ActivityDeps, fleetId: string, members: FleetPlan['servers']): Promise<JsonObject> {
  const denied: string[] = [];
  for (const { name, input } of members) {
    if (input.allowDestructive === true) continue;
    const tools = await deps.store.listTools(fleetServerWorkflowId(fleetId, name));
    denied.push(...tools.filter((t) => t.annotations?.destructiveHint === true).map((t) => memberToolName(name, t.name)));
  }
  return { servers: { [CROSS_SERVER]: { allowDestructive: true, ...(denied.length > 0 ? { deny: denied } : {}) } } };
}

/**
 * Exports the fleet's one dataset: every verified task of each server that generated and of the
 * fleet's composite runs among them, tools named `<server>__<tool>`, one simulator for all, and a
 * seeded train/test split.
 */
export function exportFleetDatasetActivity(deps: ActivityDeps) {
  return async function exportFleetDataset(input: { fleetId: string; servers: Array<{ name: string; runId: string }>; split: FleetPlan['split'] }): Promise<FleetDataset> {
    return withFailureMapping(() => whileHeartbeating(async () => {
      const names = new Set(input.servers.map((s) => s.name));
      const crossRuns = (await deps.store.listRuns(crossServerPrefix(input.fleetId))).filter((r) => memberNames(r.spec).every((m) => names.has(m)));
      const runs = [
        ...(await Promise.all(input.servers.map(({ name, runId }) => fleetRun(deps, runId, name)))),
        ...(await Promise.all(crossRuns.map((r) => fleetRun(deps, r.runId)))),
      ];
      const tools = fleetTools(runs);
      const tasks = runs.flatMap((r) => r.tasks);
      const toolServer = new Map(tools.map((t) => [t.name, t.server ?? '']));
      const splits = splitTasks(
        tasks.map((task) => ({
          id: task.id,
          instruction: normalisedInstruction(task.instruction),
          tools: task.trajectory.map((s) => s.tool),
          servers: [...new Set(task.trajectory.map((s) => toolServer.get(s.tool) ?? ''))],
        })),
        input.split,
      );
      const version = pipelineVersion(deps.projectRoot);
      const planners = [...new Set(runs.map((r) => r.planner))];
      const summary = await exportDataset({
        dir: join(deps.datasetRoot, safePathComponent(input.fleetId, 'fleetId')),
        run: { runId: input.fleetId, server: input.fleetId, servers: input.servers.map((s) => s.name), planner: planners.join(', '), synthesizer: planners.join(', ') },
        tools,
        setups: new Map(runs.map((r) => [r.runId, r.setup])),
        splits,
        tasks,
        verdicts: runs.flatMap((r) => r.verdicts),
        candidates: runs.reduce((sum, r) => sum + r.candidates.length, 0),
        writeSimulatorCache: async (path) =>
          writeSimulatorCache(path, { server: input.fleetId, tools: tools.filter((t) => t.usable), setup: [], calls: runs.flatMap((r) => r.calls) }),
        checkRewardIntegrity: rewardIntegrityOf,
        simulatorCacheFormatDoc: resolve(deps.projectRoot, 'src/simulator/CACHE-FORMAT.md'),
        pipelineVersion: version,
        report: (exported) => fleetReport(input.fleetId, version, runs, exported),
      });
      const { figures } = summary;
      // Read back as a trainer would: every reference, replayed in the fleet's one simulator, must earn reward 1.
      const replay = await replayReferences(summary.dir);
      for (const failure of replay.failed) log.warn(`fleet ${input.fleetId}: task ${failure.taskId} does not replay to its label: ${failure.reason}`);
      return {
        referenceReplay: { tasks: replay.tasks, passed: replay.passed },
        dir: summary.dir,
        tasks: figures.tasks,
        train: figures.train,
        test: figures.test,
        crossServerTasks: figures.crossServerTasks,
        servers: figures.servers,
        tools: figures.tools,
        meanCallsPerTask: figures.meanCallsPerTask,
      };
    }));
  };
}

/** The fleet's report: a row per server and one per composite, and every exported task. */
function fleetReport(fleetId: string, version: string, runs: FleetRunRecord[], exported: Task[]): ReportData {
  const rows = runs.map((run) =>
    serverRow({
      ...run,
      server: run.server ?? CROSS_SERVER,
      broken: brokenTools(run.calls).map((b) => b.tool),
      exported: exported.filter((t) => t.runId === run.runId).length,
    }),
  );
  return { title: fleetId, pipelineVersion: version, servers: rows, tasks: exported.map(reportTask) };
}

/** A run's record as the fleet's dataset takes it: a server's run renamed, a composite's as it is. */
async function fleetRun(deps: ActivityDeps, runId: string, server?: string): Promise<FleetRunRecord> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new RangeError(`run ${runId} is not in the store at ${deps.store.location}`);
  const record: FleetRunRecord = {
    runId,
    planner: run.planner,
    ...(server === undefined ? {} : { server }),
    tools: await deps.store.listTools(runId),
    tasks: await verifiedTasks(deps, runId),
    calls: await deps.store.listCalls(runId),
    setup: parseServerSpec(run.spec).setup,
    edges: await deps.store.listEdges(runId),
    subDags: await deps.store.listSubDags(runId),
    candidates: await deps.store.listTasks(runId),
    verdicts: await deps.store.listVerdicts(runId),
    episodes: await deps.store.listEpisodes(runId),
  };
  return asFleetRun(record);
}

function crossServerPrefix(fleetId: string): string {
  return `${fleetId}/${CROSS_SERVER}-`;
}

/** Named by its members, so the same servers always get the same composite run. */
function crossServerRunId(fleetId: string, members: string[]): string {
  return `${crossServerPrefix(fleetId)}${createHash('sha256').update(members.join('\0')).digest('hex').slice(0, 8)}`;
}

function memberNames(spec: unknown): string[] {
  const servers = (spec as JsonObject | null)?.servers;
  return Array.isArray(servers) ? servers.map((s) => String((s as JsonObject).name)) : [];
}
