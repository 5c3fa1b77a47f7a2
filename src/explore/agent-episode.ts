import type { JsonValue, RecordedCall, SubDag, ToolDefinition } from '../domain.js';
import { isJsonObject } from '../json.js';
import { runAgentLoop, type AgentStop, type AgentTool, type MalformedCall, type PriorToolCall } from '../llm/stages/agent-loop.js';
import { EXPLORER_SYSTEM, explorerInstruction, explorerNudge } from '../llm/stages/explorer-prompt.js';
import type { LlmClient } from '../llm/types.js';
import type { UsageLedger } from '../llm/usage-ledger.js';
import { EpisodeRecorder, summarize, type EpisodeIo, type EpisodePlan, type EpisodeSummary } from './episode-recorder.js';
import { inferLinks } from './infer-links.js';

export interface AgentEpisodeDeps extends EpisodeIo {
  client: LlmClient;
  /** Recorded as every exploration call's planner, e.g. `anthropic:claude-sonnet-4-6`. */
  planner: string;
  /** Exploration calls the episode may make, over all its attempts. Default: stepBudget(subDag). */
  maxSteps?: number;
  /** Told of each malformed model call (redacted), numbered by its turn in the episode's conversation. */
  onMalformed?(call: MalformedCall): Promise<void>;
  ledger?: UsageLedger;
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

export interface AgentEpisodeOutcome {
  summary: EpisodeSummary;
  /** Why the conversation ended; `goal-reached` means the sub-DAG is covered. */
  stopped: AgentStop;
  /** Every sub-DAG tool has at least one successful call. */
  covered: boolean;
}

/** The model made no usable call at all: retrying the activity asks it afresh (another sample may be well-formed). */
export class ExplorationStalledError extends Error {
  override readonly name = 'ExplorationStalledError';
  constructor(readonly subDagIndex: number, readonly malformed: number) {
    super(`sub-DAG ${subDagIndex}: the model's ${malformed} tool calls were all malformed and none was executed`);
  }
}

/** One call per tool, each corrected once, and two to spare. */
export function stepBudget(subDag: SubDag): number {
  return 2 * subDag.tools.length + 2;
}

/** Every tool of the sub-DAG has at least one exploration call that did not fail. */
export function isCovered(subDag: SubDag, calls: readonly RecordedCall[]): boolean {
  return uncovered(subDag, calls).length === 0;
}

/** The sub-DAG's tools with no successful call yet, in the sub-DAG's order. */
function uncovered(subDag: SubDag, calls: readonly RecordedCall[]): string[] {
  const succeeded = new Set(calls.filter((c) => c.phase === 'explore' && !c.isError).map((c) => c.tool));
  return subDag.tools.filter((tool) => !succeeded.has(tool));
}

/**
 * An episode explored by a model: the spec's setup calls, then a tool-use conversation over the
 * sub-DAG's tools in which every call the model asks for goes to the live server through the same
 * recorder as the offline planner's (see EpisodeRecorder), with its links inferred from data flow.
 * It ends when every tool has succeeded once, when the step budget is spent, when the model stops
 * calling tools, or after too many malformed calls.
 *
 * The model reads what the store keeps (redacted outputs, sandbox paths as `${sandbox}`): a provider
 * is a third party. Its arguments are recorded as it wrote them; the live call gets real paths.
 *
 * A retry after a crash rebuilds the conversation from the recorded calls (each replayed as a turn of
 * its own) and continues it; recorded steps are never made again.
 */
export async function runAgentEpisode(plan: EpisodePlan, deps: AgentEpisodeDeps): Promise<AgentEpisodeOutcome> {
  const recorded = await deps.store.listCalls(plan.runId, plan.subDagIndex);
  const budget = deps.maxSteps ?? stepBudget(plan.subDag);
  const explored = () => recorded.filter((c) => c.phase === 'explore');
  const covered = () => isCovered(plan.subDag, recorded);
  const outcome = (stopped: AgentStop): AgentEpisodeOutcome => ({ summary: summarize(recorded), stopped, covered: covered() });
  if (recorded.length >= plan.setup.length) {
    if (covered()) return outcome('goal-reached');
    if (explored().length >= budget) return outcome('step-budget');
  }

  const recorder = await EpisodeRecorder.open(plan, deps, recorded.length);
  try {
    await recorder.setup(recorded.length, recorded, (ran) => ran.stored);
    const tools = plan.subDag.tools.map((name) => agentTool(name, plan.tools.get(name)));
    const prior = explored();
    const run = await runAgentLoop({
      client: deps.client,
      system: EXPLORER_SYSTEM,
      instruction: explorerInstruction({ tools, edges: plan.subDag.edges, hints: recorder.redact(plan.hints), maxSteps: budget }),
      tools,
      prior: prior.map((call): PriorToolCall => ({ tool: call.tool, arguments: call.arguments, result: shownResult(call) })),
      call: async (tool, args) => {
        const ran = await recorder.run({
          step: recorded.length,
          phase: 'explore',
          tool,
          arguments: args,
          links: inferLinks(args, recorded),
          planner: deps.planner,
        });
        recorded.push(ran.stored);
        return shownResult(ran.stored);
      },
      maxSteps: budget - prior.length,
      shouldStop: covered,
      // A model that stops before every tool has succeeded is told which are left, once.
      nudge: () => explorerNudge(tools, uncovered(plan.subDag, recorded)),
      onMalformed: (call) => deps.onMalformed?.({ ...call, raw: recorder.redactText(call.raw), message: recorder.redactText(call.message) }),
      stage: 'explore',
      ...(deps.ledger ? { ledger: deps.ledger } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.maxTokens === undefined ? {} : { maxTokens: deps.maxTokens }),
      ...(deps.temperature === undefined ? {} : { temperature: deps.temperature }),
    });
    if (run.stopped === 'malformed-limit' && explored().length === 0) throw new ExplorationStalledError(plan.subDagIndex, run.malformed.length);
    return outcome(run.stopped);
  } finally {
    await recorder.close();
  }
}

function agentTool(name: string, definition: ToolDefinition | undefined): AgentTool {
  return {
    name,
    ...(definition?.description ? { description: definition.description } : {}),
    inputSchema: definition?.inputSchema ?? { type: 'object' },
  };
}

/**
 * A recorded result as the model reads it: a CallToolResult, flagged when the call failed. A failure
 * the server reported in an ordinary result, a thrown MCP error or a timeout becomes one, so that the
 * model sees the error and knows to correct the call.
 */
function shownResult(call: RecordedCall): JsonValue {
  const { result } = call;
  const toolResult = isJsonObject(result) && Array.isArray(result.content) ? result : { content: [{ type: 'text', text: JSON.stringify(result) }] };
  return call.isError ? { ...toolResult, isError: true } : toolResult;
}
