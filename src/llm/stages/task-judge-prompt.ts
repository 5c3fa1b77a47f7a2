/**
 * What the LLM task judge sends: the five criteria as fixed instructions and one fixed tool (the
 * cacheable prefix), then the task itself. The reference trajectory's results are truncated: the
 * judge needs their shape and the values the answer comes from, not whole server dumps.
 */
import type { JsonValue, Task, ToolDefinition } from '../../domain.js';
import type { LlmTool } from '../types.js';

export const TASK_TOOL_NAME = 'record_task_verdict';

/** The paper's five criteria, in the order they are asked and reported. */
export const CRITERIA = ['solvable', 'unique', 'natural', 'noLeakage', 'nonTrivial'] as const;
export type Criterion = (typeof CRITERIA)[number];

const CRITERION_TEXT: Record<Criterion, string> = {
  solvable: 'solvable with the given tools: an agent with only these tools can find every answer field, starting from what the instruction says',
  unique: 'answer uniquely determined: exactly one value fits each answer field (no ties, no "any of these", no time-dependent value)',
  natural: 'natural and unambiguous: a person could plausibly ask it, and it says clearly what to find and in what form',
  noLeakage: 'no leakage: the instruction does not state or give away any answer value',
  nonTrivial: 'non-trivial: answering needs the tool calls (at least one real lookup), not just restating the instruction',
};

export const TASK_JUDGE_SYSTEM = [
  'You review tool-use tasks written backward from real MCP tool calls. Each task has an instruction for an agent,',
  'a JSON answer schema, the ground-truth answer, and the reference trajectory of calls that produced it.',
  'Judge the task against five criteria, each pass or fail with a one-sentence reason:',
  ...CRITERIA.map((name) => `- ${name}: ${CRITERION_TEXT[name]};`),
  `Answer with a single call of ${TASK_TOOL_NAME}. verdict is "pass" only if every criterion passes. Be strict: when in doubt, fail.`,
].join('\n');

const CRITERION_SCHEMA = {
  type: 'object',
  properties: { pass: { type: 'boolean' }, reason: { type: 'string' } },
  required: ['pass', 'reason'],
};

export const TASK_TOOL: LlmTool = {
  name: TASK_TOOL_NAME,
  description: 'Record the verdict on this task, criterion by criterion.',
  inputSchema: {
    type: 'object',
    properties: {
      criteria: {
        type: 'object',
        properties: Object.fromEntries(CRITERIA.map((name) => [name, CRITERION_SCHEMA])),
        required: [...CRITERIA],
      },
      verdict: { type: 'string', enum: ['pass', 'fail'] },
    },
    required: ['criteria', 'verdict'],
  },
};

export const RESULT_CHARS = 600;

/** The task as the judge reads it; `tools` (when known) are the tools the solving agent is given. */
export function renderTask(task: Task, tools?: readonly Pick<ToolDefinition, 'name' | 'description'>[]): string {
  const given = tools ?? [...new Set(task.trajectory.map((step) => step.tool))].map((name) => ({ name, description: '' }));
  return [
    '# Instruction',
    task.instruction,
    '',
    '# Tools the agent is given',
    ...given.map((tool) => `- ${tool.name}${tool.description ? `: ${oneLine(tool.description, 200)}` : ''}`),
    '',
    '# Answer schema',
    JSON.stringify(task.answerSchema),
    '',
    '# Ground truth',
    ...task.groundTruth.map((f) => `- ${f.field} = ${JSON.stringify(f.value)} (from step ${f.source.trajectoryStep}, ${f.source.path})`),
    '',
    '# Reference trajectory',
    ...task.trajectory.map((step, i) =>
      [
        `${i}. ${step.tool}(${JSON.stringify(step.arguments)})${step.isError ? ' [error]' : ''}`,
        ...step.links.map((l) => `   ${l.argument} ← step ${l.fromTrajectoryStep} ${l.outputPath}`),
        `   → ${truncate(step.result)}`,
      ].join('\n'),
    ),
  ].join('\n');
}

function truncate(result: JsonValue): string {
  const text = JSON.stringify(result);
  return text.length <= RESULT_CHARS ? text : `${text.slice(0, RESULT_CHARS)}… [${text.length - RESULT_CHARS} more chars]`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
