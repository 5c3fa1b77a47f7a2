/**
 * A provider-neutral tool-use loop: model → tool calls → results back → … until the model answers
 * without calling a tool or the step budget is spent. It serves the LLM explorer (whose `call`
 * goes to the real server through the recording layer) and LLM agents in replay (whose `call`
 * goes to the simulator), so it knows nothing of either: it only offers tools, executes the
 * model's calls through `call`, and keeps the record.
 *
 * A malformed call (an unknown tool, arguments that are not a JSON object) is answered with an
 * error tool result so that the model can correct itself, as it would correct a failed call; it
 * is recorded, and after `maxMalformed` of them the loop gives up rather than paying for more.
 *
 * A conversation cut off (the explorer's activity crashed mid-episode) continues from the calls it
 * had executed: `prior` replays them, one turn each, and the model carries on from there.
 */
import type { JsonObject, JsonValue } from '../../domain.js';
import { TOOL_NAME_PATTERN, sanitizeToolName } from '../../export/tool-names.js';
import { MalformedOutputError, type MalformedReason } from '../errors.js';
import type { LlmStage } from '../stages.js';
import type { LlmClient, LlmMessage, LlmResponse, LlmToolCall, LlmToolResult, LlmUsage } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';
import { offerTools, type AgentTool, type OfferedTools } from './offered-tools.js';
import { isErrorResult, toolResultText } from './tool-result-text.js';

export type { AgentTool } from './offered-tools.js';

export interface AgentLoopInput {
  client: LlmClient;
  /** Stable across a stage's runs: it and the tools are the cached prefix. */
  system: string;
  instruction: string;
  tools: readonly AgentTool[];
  /** Executes one tool by its MCP name; returns the MCP CallToolResult (isError on failure). */
  call: (tool: string, args: JsonObject) => Promise<JsonValue>;
  /** Tool calls executed at most (by this loop; `prior` calls do not count). */
  maxSteps: number;
  /**
   * Calls an earlier part of the same conversation executed, replayed after the instruction as one
   * model turn each (the call, then its result), so that the model continues where it was cut off.
   */
  prior?: readonly PriorToolCall[];
  /** Checked before each model turn: true ends the loop (`goal-reached`) without asking the model again. */
  shouldStop?: () => boolean;
  /**
   * Asked when the model answers without calling a tool: a message returned is sent to it as the next
   * user turn and the conversation goes on (at most `maxNudges` times, default 1); none ends the loop.
   */
  nudge?: () => string | undefined;
  maxNudges?: number;
  /** Told of each malformed call as it happens, before the model is asked to correct it. */
  onMalformed?: (call: MalformedCall) => void | Promise<void>;
  /** Malformed calls answered with an error before the loop gives up. Default 3. */
  maxMalformed?: number;
  stage: LlmStage;
  ledger?: UsageLedger;
  maxTokens?: number;
  temperature?: number;
  /** Characters of a tool result the model reads. Default 4000. */
  maxResultChars?: number;
  signal?: AbortSignal;
}

/** A call already executed, under its MCP name, with the result the model was shown. */
export interface PriorToolCall {
  tool: string;
  arguments: JsonObject;
  result: JsonValue;
}

/** One executed call, under its MCP name. */
export interface AgentToolCall {
  /** The model turn (0-based, counting the `prior` turns) that asked for it. */
  turn: number;
  tool: string;
  arguments: JsonObject;
  result: JsonValue;
  isError: boolean;
}

/** A call that could not be executed, and what the model was told. */
export interface MalformedCall {
  /** As AgentToolCall's: the same place in a conversation has the same number when it is resumed. */
  turn: number;
  reason: MalformedReason;
  raw: string;
  toolName?: string;
  message: string;
}

export type AgentStop = 'answered' | 'step-budget' | 'malformed-limit' | 'goal-reached';

export interface AgentLoopResult {
  /** Every message sent and received, starting with the instruction. */
  transcript: LlmMessage[];
  /** The text of the model's last turn. */
  finalText: string;
  toolCalls: AgentToolCall[];
  malformed: MalformedCall[];
  stopped: AgentStop;
  /** Model turns taken by this loop (`prior` turns not counted). */
  turns: number;
  usage: LlmUsage;
  /** The model as the provider named it in its last answer. */
  model: string;
}

const DEFAULT_MAX_MALFORMED = 3;
const DEFAULT_MAX_TOKENS = 2048;
const DEFAULT_MAX_RESULT_CHARS = 4000;

export async function runAgentLoop(input: AgentLoopInput): Promise<AgentLoopResult> {
  const offered = offerTools(input.tools);
  const maxMalformed = input.maxMalformed ?? DEFAULT_MAX_MALFORMED;
  const maxResultChars = input.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS;
  const prior = input.prior ?? [];
  const transcript: LlmMessage[] = [{ role: 'user', text: input.instruction }, ...replayed(prior, offered, maxResultChars)];
  const toolCalls: AgentToolCall[] = [];
  const malformed: MalformedCall[] = [];
  const usage: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let model = input.client.model;
  let turns = 0;
  let nudges = 0;
  let lastText = '';

  const account = (used: LlmUsage, answeredBy: string) => {
    usage.inputTokens += used.inputTokens;
    usage.outputTokens += used.outputTokens;
    usage.cacheReadTokens += used.cacheReadTokens;
    usage.cacheWriteTokens += used.cacheWriteTokens;
    input.ledger?.add(input.stage, answeredBy, used);
    model = answeredBy;
  };
  const finish = (stopped: AgentStop): AgentLoopResult => ({ transcript, finalText: lastText, toolCalls, malformed, stopped, turns, usage, model });

  for (;;) {
    if (input.shouldStop?.()) return finish('goal-reached');
    if (toolCalls.length >= input.maxSteps) return finish('step-budget');
    const turn = prior.length + turns++;
    let response: LlmResponse;
    try {
      response = await input.client.complete(
        {
          system: input.system,
          messages: [...transcript],
          tools: offered.llmTools,
          toolChoice: 'auto',
          maxTokens: input.maxTokens ?? DEFAULT_MAX_TOKENS,
          ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
          cacheStablePrefix: true,
        },
        input.signal ? { signal: input.signal } : {},
      );
    } catch (error) {
      if (!(error instanceof MalformedOutputError)) throw error;
      account(error.usage, error.model);
      const call: MalformedCall = { turn, reason: error.reason, raw: error.raw, ...(error.toolName === undefined ? {} : { toolName: error.toolName }), message: error.message };
      malformed.push(call);
      await input.onMalformed?.(call);
      lastText = '';
      if (malformed.length > maxMalformed) return finish('malformed-limit');
      transcript.push(...correction(error, turn, offered.llmTools.map((t) => t.name)));
      continue;
    }
    account(response.usage, response.model);
    lastText = response.text;
    transcript.push({ role: 'assistant', text: response.text, ...(response.toolCalls.length > 0 ? { toolCalls: response.toolCalls } : {}) });
    if (response.toolCalls.length === 0) {
      const nudge = nudges < (input.maxNudges ?? 1) ? input.nudge?.() : undefined;
      if (nudge === undefined) return finish('answered');
      nudges += 1;
      transcript.push({ role: 'user', text: nudge });
      continue;
    }

    const results: LlmToolResult[] = [];
    for (const call of response.toolCalls) results.push(await execute(call, turn));
    transcript.push({ role: 'tool', results });
  }

  async function execute(call: LlmToolCall, turn: number): Promise<LlmToolResult> {
    // Calls past the budget in the same turn are answered, not executed: every call needs a result.
    if (toolCalls.length >= input.maxSteps) return { toolCallId: call.id, content: 'Not executed: the step budget is spent.', isError: true };
    // The clients refuse unknown names already; this guards a client that does not.
    const tool = offered.mcpName(call.name);
    if (tool === undefined) return { toolCallId: call.id, content: `'${call.name}' is not an offered tool.`, isError: true };
    // Errors thrown by `call` propagate: a broken environment is not the model's mistake to fix.
    const result = await input.call(tool, call.arguments);
    const isError = isErrorResult(result);
    toolCalls.push({ turn, tool, arguments: call.arguments, result, isError });
    return { toolCallId: call.id, content: toolResultText(result, maxResultChars), ...(isError ? { isError: true } : {}) };
  }
}

/** Earlier calls as the turns that made them: each call under its offered name, then its result. */
function replayed(prior: readonly PriorToolCall[], offered: OfferedTools, maxResultChars: number): LlmMessage[] {
  const names = new Map(offered.llmTools.map((t) => [offered.mcpName(t.name)!, t.name]));
  return prior.flatMap((call, i): LlmMessage[] => {
    const name = names.get(call.tool);
    if (name === undefined) throw new Error(`an earlier call of '${call.tool}' cannot be replayed: the tool is not offered`);
    const id = `prior_${i}`;
    const isError = isErrorResult(call.result);
    return [
      { role: 'assistant', text: '', toolCalls: [{ id, name, arguments: call.arguments }] },
      { role: 'tool', results: [{ toolCallId: id, content: toolResultText(call.result, maxResultChars), ...(isError ? { isError: true } : {}) }] },
    ];
  });
}

/**
 * The turn the client refused, restated as a call with no arguments, answered by an error result
 * that says what was wrong: providers only accept a tool result that answers a call of the turn
 * before it, and the model corrects a call best when it sees its call and the error together.
 */
function correction(error: MalformedOutputError, turn: number, offeredNames: string[]): LlmMessage[] {
  const id = error.toolCallId ?? `malformed_${turn}`;
  const name = error.toolName === undefined ? 'unknown_tool' : TOOL_NAME_PATTERN.test(error.toolName) ? error.toolName : sanitizeToolName(error.toolName);
  const why: Record<MalformedReason, string> = {
    'invalid-json': 'its arguments were not valid JSON',
    'not-an-object': 'its arguments were not a JSON object',
    'missing-field': 'the call lacked its tool name, id or arguments',
    'unknown-tool': `'${error.toolName ?? ''}' is not an available tool (available: ${offeredNames.join(', ')})`,
  };
  return [
    { role: 'assistant', text: '', toolCalls: [{ id, name, arguments: {} }] },
    {
      role: 'tool',
      results: [{ toolCallId: id, content: `Your tool call could not be executed: ${why[error.reason]}. Raw call: ${error.raw.slice(0, 500)}. Correct it and call again.`, isError: true }],
    },
  ];
}
