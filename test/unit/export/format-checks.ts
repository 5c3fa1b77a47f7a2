import { isDeepStrictEqual } from 'node:util';
import type { JsonObject, JsonValue } from '../../../src/domain.js';
import { primitiveLeaves } from '../../../src/explore/json-path.js';
import { outputValue } from '../../../src/mcp/output.js';
import { shapeErrors } from './format-shapes.js';

/** What every format's row must agree with: read from the tasks.jsonl row of the same task. */
export interface Reference {
  calls: Array<{ id: string; name: string; arguments: JsonObject; isError: boolean }>;
  answer: JsonObject;
  offered: string[];
}

type Row = Record<string, any>;

export function referenceOf(tasksRow: Row): Reference {
  return {
    calls: (tasksRow.trajectory as Row[]).map((s) => ({ id: s.call_id, name: s.tool, arguments: JSON.parse(s.arguments), isError: s.is_error })),
    answer: JSON.parse(tasksRow.answer),
    offered: (tasksRow.tools as Row[]).map((t) => t.name),
  };
}

/** tasks.jsonl: the shape, and every ground-truth value really at its source path in that call's output. */
export function tasksRowErrors(row: Row): string[] {
  const errors = shapeErrors('tasks', row);
  if (errors.length > 0) return errors;
  const parsed = parsedJsonFields(row, errors);
  if (!parsed) return errors;
  for (const truth of row.ground_truth as Row[]) {
    const step = (row.trajectory as Row[])[truth.source.trajectory_step];
    if (!step) {
      errors.push(`ground truth ${truth.field}: no step ${truth.source.trajectory_step}`);
      continue;
    }
    const value = JSON.parse(truth.value as string) as JsonValue;
    const leaf = primitiveLeaves(outputValue(JSON.parse(step.result as string) as JsonValue)).find((l) => l.path === truth.source.path);
    if (!leaf || !isDeepStrictEqual(leaf.value, value)) errors.push(`ground truth ${truth.field} is not at ${truth.source.path} of step ${truth.source.trajectory_step}`);
    if (!isDeepStrictEqual(parsed.answer[truth.field], value)) errors.push(`answer.${truth.field} differs from its ground truth`);
  }
  const offered = (row.tools as Row[]).map((t) => t.name as string);
  if (new Set(offered).size !== offered.length) errors.push('a tool is offered twice');
  for (const step of row.trajectory as Row[]) {
    const tool = (row.tools as Row[]).find((t) => t.name === step.tool);
    if (!tool) errors.push(`step calls ${step.tool}, which is not offered`);
    else if (tool.server !== step.server) errors.push(`step calls ${step.tool} on ${step.server}, which is offered by ${tool.server}`);
  }
  return errors;
}

/** The row's JSON-text fields parsed, each the shape it stands for; undefined (with errors) when one is not. */
function parsedJsonFields(row: Row, errors: string[]): { answer: JsonObject } | undefined {
  const parse = (text: string, what: string, shape: 'object' | 'primitive' | 'any'): JsonValue | undefined => {
    try {
      const value = JSON.parse(text) as JsonValue;
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      if (shape === 'object' && !isObject) errors.push(`${what} is not a JSON object`);
      if (shape === 'primitive' && typeof value === 'object' && value !== null) errors.push(`${what} is not a JSON primitive`);
      return value;
    } catch {
      errors.push(`${what} is not JSON text`);
      return undefined;
    }
  };
  const answer = parse(row.answer, 'answer', 'object');
  parse(row.answer_schema, 'answer_schema', 'object');
  for (const truth of row.ground_truth as Row[]) parse(truth.value, `ground_truth ${truth.field}`, 'primitive');
  (row.trajectory as Row[]).forEach((step, i) => {
    parse(step.arguments, `trajectory[${i}].arguments`, 'object');
    parse(step.result, `trajectory[${i}].result`, 'any');
  });
  return errors.length === 0 ? { answer: answer as JsonObject } : undefined;
}

/** sft.openai.jsonl: system, user, then per call an assistant tool_calls turn and its tool message, then the answer. */
export function openAiRowErrors(row: Row, ref: Reference): string[] {
  const errors = shapeErrors('openai', row);
  if (errors.length > 0) return errors;
  const messages = row.messages as Row[];
  const expectRole = (i: number, role: string) => {
    if (messages[i]?.role !== role) errors.push(`message ${i} should be ${role}, is ${messages[i]?.role}`);
  };
  expectRole(0, 'system');
  expectRole(1, 'user');
  if (messages.length !== 2 + 2 * ref.calls.length + 1) errors.push(`expected ${2 + 2 * ref.calls.length + 1} messages, got ${messages.length}`);
  const offered = (row.tools as Row[]).map((t) => t.function.name);
  ref.calls.forEach((call, k) => {
    const i = 2 + 2 * k;
    expectRole(i, 'assistant');
    expectRole(i + 1, 'tool');
    const toolCall = messages[i]?.tool_calls?.[0];
    if (!toolCall) return errors.push(`message ${i} has no tool call`);
    if (toolCall.id !== call.id) errors.push(`call ${k} has id ${toolCall.id}, expected ${call.id}`);
    if (toolCall.function.name !== call.name) errors.push(`call ${k} names ${toolCall.function.name}, expected ${call.name}`);
    if (!offered.includes(toolCall.function.name)) errors.push(`call ${k} names a tool not in tools`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(toolCall.function.arguments as string);
    } catch {
      errors.push(`call ${k}: arguments are not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) errors.push(`call ${k}: arguments do not parse to an object (double-encoded?)`);
    else if (!isDeepStrictEqual(parsed, call.arguments)) errors.push(`call ${k}: arguments differ from the trajectory's`);
    if (messages[i + 1]?.tool_call_id !== call.id) errors.push(`tool message ${i + 1} answers ${messages[i + 1]?.tool_call_id}, not ${call.id}`);
  });
  const earlierIds = new Set<string>();
  for (const message of messages) {
    for (const c of message.tool_calls ?? []) earlierIds.add(c.id);
    if (message.role === 'tool' && !earlierIds.has(message.tool_call_id)) errors.push(`tool message answers unknown call ${message.tool_call_id}`);
  }
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant' || typeof last.content !== 'string' || last.tool_calls) errors.push('the last message is not the assistant answer');
  else errors.push(...answerErrors(last.content, ref.answer));
  return errors;
}

/** sft.anthropic.jsonl: alternating roles; each tool_use turn followed by ONE user message starting with its tool_results. */
export function anthropicRowErrors(row: Row, ref: Reference): string[] {
  const errors = shapeErrors('anthropic', row);
  if (errors.length > 0) return errors;
  const messages = row.messages as Row[];
  const blocks = (m: Row | undefined): Row[] => (typeof m?.content === 'string' ? [{ type: 'text', text: m.content }] : (m?.content ?? []));
  messages.forEach((m, i) => {
    if (m.role !== (i % 2 === 0 ? 'user' : 'assistant')) errors.push(`message ${i} breaks user/assistant alternation`);
    for (const b of blocks(m)) {
      if (b.type === 'tool_use' && m.role !== 'assistant') errors.push(`tool_use in a ${m.role} message`);
      if (b.type === 'tool_result' && m.role !== 'user') errors.push(`tool_result in a ${m.role} message`);
    }
  });
  const offered = (row.tools as Row[]).map((t) => t.name);
  const uses: Row[] = [];
  messages.forEach((m, i) => {
    const toolUses = blocks(m).filter((b) => b.type === 'tool_use');
    if (toolUses.length === 0) return;
    uses.push(...toolUses);
    const results = blocks(messages[i + 1]);
    const leading = results.slice(0, toolUses.length);
    if (!leading.every((b) => b.type === 'tool_result')) errors.push(`message ${i + 1} does not start with the tool_result blocks`);
    const ids = toolUses.map((b) => b.id);
    if (!isDeepStrictEqual(leading.map((b) => b.tool_use_id), ids)) errors.push(`message ${i + 1} answers ${leading.map((b) => b.tool_use_id)} instead of ${ids}`);
  });
  const allUseIds = new Set(uses.map((u) => u.id));
  for (const m of messages) for (const b of blocks(m)) if (b.type === 'tool_result' && !allUseIds.has(b.tool_use_id)) errors.push(`tool_result for unknown id ${b.tool_use_id}`);
  if (uses.length !== ref.calls.length) errors.push(`expected ${ref.calls.length} tool_use blocks, got ${uses.length}`);
  ref.calls.forEach((call, k) => {
    const use = uses[k];
    if (!use) return;
    if (use.id !== call.id) errors.push(`call ${k} has id ${use.id}, expected ${call.id}`);
    if (use.name !== call.name || !offered.includes(use.name)) errors.push(`call ${k} names ${use.name}, expected an offered ${call.name}`);
    if (typeof use.input !== 'object' || !isDeepStrictEqual(use.input, call.arguments)) errors.push(`call ${k}: input is not the trajectory's arguments object`);
    const result = messages.flatMap(blocks).find((b) => b.type === 'tool_result' && b.tool_use_id === call.id);
    if (result && result.is_error !== call.isError) errors.push(`call ${k}: is_error differs from the trajectory's`);
  });
  const last = messages[messages.length - 1];
  const lastBlocks = blocks(last);
  if (last?.role !== 'assistant' || lastBlocks.some((b) => b.type !== 'text')) errors.push('the last message is not the assistant answer');
  else errors.push(...answerErrors(lastBlocks.map((b) => b.text).join(''), ref.answer));
  return errors;
}

/** rl.jsonl: verl's row, with ground_truth a string that parses to the answer object. */
export function verlRowErrors(row: Row, ref: Reference, index: number): string[] {
  const errors = shapeErrors('verl', row);
  if (errors.length > 0) return errors;
  const prompt = row.prompt as Row[];
  if (prompt[0]?.role !== 'system' || prompt[prompt.length - 1]?.role !== 'user') errors.push('prompt is not system then user');
  let truth: unknown;
  try {
    truth = JSON.parse(row.reward_model.ground_truth as string);
  } catch {
    errors.push('ground_truth is not JSON');
  }
  if (!isDeepStrictEqual(truth, ref.answer)) errors.push('ground_truth does not parse to the answer object');
  if (row.extra_info.index !== index) errors.push(`extra_info.index is ${row.extra_info.index}, expected ${index}`);
  const names = (row.extra_info.tools as Row[]).map((t) => t.function.name);
  if (!isDeepStrictEqual(names, ref.offered)) errors.push('extra_info.tools differ from the offered tools');
  for (const tool of row.extra_info.tools as Row[]) {
    try {
      const parameters = JSON.parse(tool.function.parameters as string) as Row;
      if (parameters.type !== 'object') errors.push(`${tool.function.name}: parameters are not an object schema`);
    } catch {
      errors.push(`${tool.function.name}: parameters are not JSON text`);
    }
  }
  return errors;
}

/** The final answer holds the answer object as its last JSON object (how a reward function reads it). */
function answerErrors(text: string, answer: JsonObject): string[] {
  const lastLine = text.trimEnd().split('\n').pop() ?? '';
  try {
    return isDeepStrictEqual(JSON.parse(lastLine), answer) ? [] : ['the final answer JSON differs from the ground truth'];
  } catch {
    return ['the final answer does not end with the answer JSON'];
  }
}
