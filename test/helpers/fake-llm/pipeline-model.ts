/**
 * A scripted model for a whole generation run, over the Messages API or chat completions: it answers each stage's
 * request by what the request is (the forced tool it names, or the MCP tools it offers) and reads
 * the request's own content to answer sensibly, as a model would:
 * - the pair judge accepts every pair with its first listed mapping;
 * - the explorer calls each offered tool not yet covered, choosing arguments with the offline
 *   planner from the outputs in the conversation (so values flow from one call to the next), and
 *   stops when every tool has succeeded once;
 * - the synthesizer points an answer at a value of the last step's output that the instruction
 *   does not give away;
 * - the task judge passes every task.
 * Every reply reports usage, and the model keeps the sum of what it reported, by stage.
 */
import type { JsonObject, JsonValue } from '../../../src/domain.js';
import { primitiveLeaves } from '../../../src/explore/json-path.js';
import { OfflinePlanner } from '../../../src/explore/offline-planner.js';
import type { EarlierCall } from '../../../src/explore/planner.js';
import { EDGE_TOOL_NAME } from '../../../src/llm/stages/edge-judge-prompt.js';
import { SUBMIT_TOOL_NAME } from '../../../src/llm/stages/synthesis-prompt.js';
import { CRITERIA, TASK_TOOL_NAME } from '../../../src/llm/stages/task-judge-prompt.js';
import { outputValue } from '../../../src/mcp/output.js';
import { anthropicText, anthropicToolUse } from './anthropic-replies.js';
import { chatText, chatToolCalls } from './openai-replies.js';
import type { FakeReply } from './recording-server.js';
import type { Script, ScriptStep } from './script.js';

export type PipelineStage = 'judge' | 'explore' | 'synthesize' | 'verify';

export interface ReportedUsage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface PipelineModel {
  script: Script;
  /** What the replies reported, summed: all of it and per stage. */
  reported: ReportedUsage;
  reportedByStage: Record<PipelineStage, ReportedUsage>;
  /** Which stage each answered request was, in order. */
  stages: PipelineStage[];
}

export interface PipelineModelOptions {
  /** The wire format the fake server speaks (default: the Messages API). */
  protocol?: 'anthropic' | 'openai-compatible';
  /** Argument examples, as a server spec's argumentHints. */
  hints?: Record<string, JsonValue[]>;
  /** A fault to answer instead, by request index (0-based, over every request): its usage is not counted. */
  fault?: (index: number, stage: PipelineStage) => FakeReply | undefined;
}

type Body = Record<string, any>;
type Block = Record<string, any>;

export function pipelineModel(options: PipelineModelOptions = {}): PipelineModel {
  const zero = (): ReportedUsage => ({ requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
  const reported = zero();
  const reportedByStage: Record<PipelineStage, ReportedUsage> = { judge: zero(), explore: zero(), synthesize: zero(), verify: zero() };
  const stages: PipelineStage[] = [];
  const wire = options.protocol === 'openai-compatible' ? CHAT : MESSAGES;
  const script: Script = (_request, index) => async (request) => {
    const body = request.body as Body;
    const stage = wire.stageOf(body);
    const fault = options.fault?.(index, stage);
    if (fault) return fault;
    stages.push(stage);
    const usage = usageFor(index, reportedByStage[stage].requests === 0, wire);
    for (const sum of [reported, reportedByStage[stage]]) {
      sum.requests += 1;
      sum.inputTokens += usage.inputTokens;
      sum.outputTokens += usage.outputTokens;
      sum.cacheReadTokens += usage.cacheReadTokens;
      sum.cacheWriteTokens += usage.cacheWriteTokens;
    }
    const step = (await answer(wire, stage, body, options.hints ?? {}, index))(usage);
    return typeof step === 'function' ? step(request) : step;
  };
  return { script, reported, reportedByStage, stages };
}

/** Distinct, known figures per request; the first request of a stage writes the cache, later ones read it. */
interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

function usageFor(index: number, first: boolean, wire: Wire): Usage {
  const cached = 300;
  // Chat-completions servers report cache reads only (inside prompt_tokens) and no cache writes.
  if (wire === CHAT) return { inputTokens: 700 + index, outputTokens: 40 + (index % 7), cacheReadTokens: first ? 0 : cached, cacheWriteTokens: 0 };
  return { inputTokens: 700 + index, outputTokens: 40 + (index % 7), cacheReadTokens: first ? 0 : cached, cacheWriteTokens: first ? cached : 0 };
}

interface OfferedTool {
  name: string;
  description: string;
  inputSchema: JsonObject;
}

/** What the model needs of a request and how it answers, in one provider's wire format. */
interface Wire {
  forcedTool(body: Body): string | undefined;
  userText(body: Body): string;
  offered(body: Body): OfferedTool[];
  /** The conversation's tool calls in order, each with its result once there is one. */
  calls(body: Body): Array<{ tool: string; result?: { isError: boolean; text: string } }>;
  toolUse(name: string, input: JsonValue, usage: Usage): ScriptStep;
  text(text: string, usage: Usage): ScriptStep;
}

const MESSAGES: Wire & { stageOf(body: Body): PipelineStage } = {
  stageOf: (body) => stageOf(MESSAGES.forcedTool(body)),
  forcedTool: (body) => (body.tool_choice?.type === 'tool' ? (body.tool_choice.name as string) : undefined),
  userText: (body) => {
    const first = (body.messages as Block[])[0]!;
    return typeof first.content === 'string' ? first.content : (first.content as Block[]).filter((b) => b.type === 'text').map((b) => b.text).join('\n');
  },
  offered: (body) => (body.tools as Block[]).map((t) => ({ name: t.name as string, description: (t.description as string) ?? '', inputSchema: t.input_schema as JsonObject })),
  calls: (body) => {
    const calls: Array<{ id: string; tool: string; result?: { isError: boolean; text: string } }> = [];
    for (const message of body.messages as Block[]) {
      if (!Array.isArray(message.content)) continue;
      for (const block of message.content as Block[]) {
        if (block.type === 'tool_use') calls.push({ id: block.id as string, tool: block.name as string });
        if (block.type === 'tool_result') {
          const text = typeof block.content === 'string' ? block.content : (block.content as Block[]).map((b) => b.text ?? '').join('');
          const call = calls.find((c) => c.id === block.tool_use_id);
          if (call) call.result = { isError: block.is_error === true, text };
        }
      }
    }
    return calls;
  },
  toolUse: (name, input, usage) => anthropicToolUse([{ name, input }], { usage: anthropicUsage(usage) }),
  text: (text, usage) => anthropicText(text, { usage: anthropicUsage(usage) }),
};

const CHAT: Wire & { stageOf(body: Body): PipelineStage } = {
  stageOf: (body) => stageOf(CHAT.forcedTool(body)),
  forcedTool: (body) => (typeof body.tool_choice === 'object' ? (body.tool_choice?.function?.name as string | undefined) : undefined),
  userText: (body) => ((body.messages as Block[]).find((m) => m.role === 'user')?.content as string) ?? '',
  offered: (body) =>
    (body.tools as Block[]).map((t) => ({ name: t.function.name as string, description: (t.function.description as string) ?? '', inputSchema: t.function.parameters as JsonObject })),
  calls: (body) => {
    const calls: Array<{ id: string; tool: string; result?: { isError: boolean; text: string } }> = [];
    for (const message of body.messages as Block[]) {
      for (const call of (message.tool_calls as Block[] | undefined) ?? []) calls.push({ id: call.id as string, tool: call.function.name as string });
      if (message.role === 'tool') {
        const text = String(message.content ?? '');
        const call = calls.find((c) => c.id === message.tool_call_id);
        // The client marks a failed result in its text: chat completions have no error flag.
        if (call) call.result = { isError: /^\s*error/i.test(text), text };
      }
    }
    return calls;
  },
  toolUse: (name, input, usage) => chatToolCalls([{ name, arguments: input }], { usage: chatUsage(usage) }),
  text: (text, usage) => chatText(text, { usage: chatUsage(usage) }),
};

function anthropicUsage(u: Usage) {
  return { input_tokens: u.inputTokens, output_tokens: u.outputTokens, cache_read_input_tokens: u.cacheReadTokens, cache_creation_input_tokens: u.cacheWriteTokens };
}

function chatUsage(u: Usage) {
  return { prompt_tokens: u.inputTokens + u.cacheReadTokens, completion_tokens: u.outputTokens, cached_tokens: u.cacheReadTokens };
}

function stageOf(forced: string | undefined): PipelineStage {
  if (forced === EDGE_TOOL_NAME) return 'judge';
  if (forced === SUBMIT_TOOL_NAME) return 'synthesize';
  if (forced === TASK_TOOL_NAME) return 'verify';
  return 'explore';
}

type Answer = (usage: Usage) => ScriptStep;

async function answer(wire: Wire, stage: PipelineStage, body: Body, hints: Record<string, JsonValue[]>, index: number): Promise<Answer> {
  const text = wire.userText(body);
  if (stage === 'judge') return (usage) => wire.toolUse(EDGE_TOOL_NAME, { judgements: judgePairs(text) }, usage);
  if (stage === 'synthesize') return (usage) => wire.toolUse(SUBMIT_TOOL_NAME, { tasks: proposeTasks(text) }, usage);
  if (stage === 'verify') {
    const criteria = Object.fromEntries(CRITERIA.map((name) => [name, { pass: true, reason: 'holds' }]));
    return (usage) => wire.toolUse(TASK_TOOL_NAME, { criteria, verdict: 'pass' }, usage);
  }
  const next = await nextExplorationCall(wire, body, hints, index);
  if (!next) return (usage) => wire.text('Every tool has been called successfully.', usage);
  return (usage) => wire.toolUse(next.name, next.input, usage);
}

/** Every pair judged an edge, through the first mapping listed under it. */
function judgePairs(text: string): JsonObject[] {
  const judgements: JsonObject[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const pair = /^(P\d+): \S+ → \S+$/.exec(line);
    const mapping = /^ {4}(\S+) ← ([^|]+?)( \|.*)?$/.exec(lines[i + 1] ?? '');
    if (!pair || !mapping) return;
    judgements.push({ pair: pair[1]!, edge: true, confidence: 'high', mappings: [{ input: mapping[1]!, output: mapping[2]! }], reason: 'the output names what the input expects' });
  });
  return judgements;
}

interface PromptStep {
  step: number;
  tool: string;
  arguments: string;
  output: JsonValue;
}

/** One task: the recorded steps up to the last, answered by a value of the last output the instruction does not state. */
function proposeTasks(text: string): JsonObject[] {
  const steps: PromptStep[] = [];
  const pattern = /^Step (\d+): (\S+)\n {2}arguments: (.*)\n {2}output: (.*)$/gm;
  for (const match of text.matchAll(pattern)) {
    try {
      steps.push({ step: Number(match[1]), tool: match[2]!, arguments: match[3]!, output: JSON.parse(match[4]!) as JsonValue });
    } catch {
      // A truncated output cannot be pointed into.
    }
  }
  const instruction = `Please do this for me with the service: ${steps.map((s) => `${s.tool.replace(/_/g, ' ')} with ${s.arguments}`).join(', then ')}. Tell me the value you find.`;
  for (const last of [...steps].reverse()) {
    const leaf = primitiveLeaves(last.output).find(
      (l) => (typeof l.value === 'string' ? l.value.trim().length >= 3 : typeof l.value === 'number') && !instruction.includes(String(l.value)),
    );
    if (!leaf) continue;
    const trajectory = steps.filter((s) => s.step <= last.step).map((s) => s.step);
    return [
      {
        instruction,
        answerTemplate: 'The value is {found}.',
        difficulty: trajectory.length >= 3 ? 'hard' : trajectory.length === 2 ? 'medium' : 'easy',
        trajectory,
        answers: [{ field: 'found', step: last.step, path: leaf.path, description: `the value at ${leaf.path} of the last result` }],
      },
    ];
  }
  return [];
}

/** The next uncovered tool with arguments from the conversation's outputs; undefined when all are covered. */
async function nextExplorationCall(wire: Wire, body: Body, hints: Record<string, JsonValue[]>, index: number): Promise<{ name: string; input: JsonObject } | undefined> {
  const offered = wire.offered(body);
  const covered = new Set<string>();
  const earlier: EarlierCall[] = [];
  for (const { tool, result } of wire.calls(body)) {
    if (!result) continue;
    if (!result.isError) covered.add(tool);
    earlier.push({ step: earlier.length, tool, output: outputValue({ content: [{ type: 'text', text: result.text }] }), isError: result.isError });
  }
  const tool = offered.find((t) => !covered.has(t.name));
  if (!tool || earlier.length >= offered.length * 2) return undefined;
  const planned = await new OfflinePlanner().planCall({ tool: tool.name, description: tool.description, inputSchema: tool.inputSchema, incoming: [], earlier, hints, seed: `fake/${index}` });
  return { name: tool.name, input: planned.arguments };
}
