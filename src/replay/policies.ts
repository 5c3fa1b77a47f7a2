import type { JsonValue, Provenance, Task } from '../domain.js';
import { valuesAt } from '../explore/json-path.js';
import { OfflinePlanner } from '../explore/offline-planner.js';
import type { EarlierCall } from '../explore/planner.js';
import { outputValue } from '../mcp/output.js';
import type { ToolDefinition } from '../domain.js';
import { replayTrajectory, type ReplayEnvironment } from '../verify/replay.js';

import type { ReplayPolicy as PolicyName } from '../api.js';

export type { PolicyName };
/** The deterministic policies, run here; `llm-agent` needs a model (src/replay/sampled-replay.ts). */
export type BuiltInPolicy = Exclude<PolicyName, 'llm-agent'>;

export interface PolicyOutcome {
  answer: Record<string, JsonValue | undefined>;
  provenance: Provenance[];
}

/** The reference trajectory, replayed: the upper bound every dataset must reach (reward 1 on every task). */
async function reference(task: Task, environment: ReplayEnvironment): Promise<PolicyOutcome> {
  const { answers, observed } = await replayTrajectory(task, environment);
  return { answer: observed, provenance: answers.map((a) => a.provenance) };
}

/**
 * The offline baseline agent: it is told the reference's tool sequence (it cannot read the
 * instruction), chooses arguments with the offline planner from the schemas, earlier outputs and
 * the spec's hints (the explorer's),
 * and reads its answer where the ground truth was observed. Its score shows how far argument
 * choice alone gets against the simulator; LLM agents replace it.
 */
async function offlineAgent(
  task: Task,
  environment: ReplayEnvironment,
  tools: ReadonlyMap<string, ToolDefinition>,
  hints: Record<string, JsonValue[]>,
): Promise<PolicyOutcome> {
  const planner = new OfflinePlanner();
  const episode = environment.startEpisode();
  const earlier: EarlierCall[] = [];
  const provenance: Provenance[] = [];
  for (const [index, step] of task.trajectory.entries()) {
    const tool = tools.get(step.tool);
    const planned = await planner.planCall({
      tool: step.tool,
      description: tool?.description ?? '',
      inputSchema: tool?.inputSchema ?? { type: 'object' },
      incoming: [],
      earlier,
      hints,
      seed: `${task.id}/${index}`,
    });
    const answer = await episode.call(step.tool, planned.arguments);
    provenance.push(answer.provenance);
    earlier.push({ step: index, tool: step.tool, output: outputValue(answer.result), isError: answer.isError });
  }
  const answer = Object.fromEntries(
    task.groundTruth.map((g) => [g.field, valuesAt(earlier[g.source.trajectoryStep]?.output ?? null, g.source.path)[0]?.value]),
  );
  return { answer, provenance };
}

export function runPolicy(
  policy: BuiltInPolicy,
  task: Task,
  environment: ReplayEnvironment,
  tools: ReadonlyMap<string, ToolDefinition>,
  hints: Record<string, JsonValue[]> = {},
): Promise<PolicyOutcome> {
  return policy === 'reference' ? reference(task, environment) : offlineAgent(task, environment, tools, hints);
}
