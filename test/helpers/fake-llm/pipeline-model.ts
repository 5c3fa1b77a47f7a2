/**
 * A scripted model for a whole generation run over the Messages API: it answers each stage's
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
import { anthropicText, anthropicToolUse, type AnthropicUsage } from './anthropic-replies.js';
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
  const script: Script = (_request, index) => async (request) => {
    const body = request.body as Body;
    const stage = stageOf(body);
    const fault = options.fault?.(index, stage);
    if (fault) return fault;
    stages.push(stage);
    const usage = usageFor(index, reportedByStage[stage].requests === 0);
    for (const sum of [reported, reportedByStage[stage]]) {
      sum.requests += 1;
      sum.inputTokens += usage.input_tokens;
      sum.outputTokens += usage.output_tokens;
      sum.cacheReadTokens += usage.cache_read_input_tokens ?? 0;
      sum.cacheWriteTokens += usage.cache_creation_input_tokens ?? 0;
    }
    const step = (await answer(stage, body, options.hints ?? {}, index))(usage);
    return typeof step === 'function' ? step(request) : step;
  };
  return { script, reported, reportedByStage, stages };
}

function stageOf(body: Body): PipelineStage {
  const forced = body.tool_choice?.type === 'tool' ? (body.tool_choice.name as string) : undefined;
  if (forced === EDGE_TOOL_NAME) return 'judge';
  if (forced === SUBMIT_TOOL_NAME) return 'synthesize';
  if (forced === TASK_TOOL_NAME) return 'verify';
  return 'explore';
}

/** Distinct, known figures per request; the first request of a stage writes the cache, later ones read it. */
function usageFor(index: number, first: boolean): AnthropicUsage {
  return {
    input_tokens: 700 + index,
    output_tokens: 40 + (index % 7),
    ...(first ? { cache_creation_input_tokens: 300 } : { cache_read_input_tokens: 300 }),
  };
}

type Answer = (usage: AnthropicUsage) => ScriptStep;

async function answer(stage: PipelineStage, body: Body, hints: Record<string, JsonValue[]>, index: number): Promise<Answer> {
  const text = userText(body);
  if (stage === 'judge') return toolUse(EDGE_TOOL_NAME, { judgements: judgePairs(text) });
  if (stage === 'synthesize') return toolUse(SUBMIT_TOOL_NAME, { tasks: proposeTasks(text) });
  if (stage === 'verify') {
    const criteria = Object.fromEntries(CRITERIA.map((name) => [name, { pass: true, reason: 'holds' }]));
    return toolUse(TASK_TOOL_NAME, { criteria, verdict: 'pass' });
  }
  const next = await nextExplorationCall(body, hints, index);
  if (!next) return (usage) => anthropicText('Every tool has been called successfully.', { usage });
  return (usage) => anthropicToolUse([next], { usage });
}

function toolUse(name: string, input: JsonValue): Answer {
  return (usage) => anthropicToolUse([{ name, input }], { usage });
}

function userText(body: Body): string {
  const first = (body.messages as Block[])[0]!;
  return typeof first.content === 'string' ? first.content : (first.content as Block[]).filter((b) => b.type === 'text').map((b) => b.text).join('\n');
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
async function nextExplorationCall(body: Body, hints: Record<string, JsonValue[]>, index: number): Promise<{ name: string; input: JsonObject } | undefined> {
  const offered = (body.tools as Block[]).map((t) => ({ name: t.name as string, description: (t.description as string) ?? '', inputSchema: t.input_schema as JsonObject }));
  const calls = new Map<string, string>();
  const results = new Map<string, { isError: boolean; text: string }>();
  for (const message of body.messages as Block[]) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Block[]) {
      if (block.type === 'tool_use') calls.set(block.id as string, block.name as string);
      if (block.type === 'tool_result') {
        const content = typeof block.content === 'string' ? block.content : (block.content as Block[]).map((b) => b.text ?? '').join('');
        results.set(block.tool_use_id as string, { isError: block.is_error === true, text: content });
      }
    }
  }
  const covered = new Set<string>();
  const earlier: EarlierCall[] = [];
  for (const [id, tool] of calls) {
    const result = results.get(id);
    if (!result) continue;
    if (!result.isError) covered.add(tool);
    earlier.push({ step: earlier.length, tool, output: outputValue({ content: [{ type: 'text', text: result.text }] }), isError: result.isError });
  }
  const tool = offered.find((t) => !covered.has(t.name));
  if (!tool || earlier.length >= offered.length * 2) return undefined;
  const planned = await new OfflinePlanner().planCall({ tool: tool.name, description: tool.description, inputSchema: tool.inputSchema, incoming: [], earlier, hints, seed: `fake/${index}` });
  return { name: tool.name, input: planned.arguments };
}
