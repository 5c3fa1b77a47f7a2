/**
 * What the LLM synthesizer shows the model: a stable system prompt and submit tool (the cached
 * prefix), and per episode the successful exploration calls with their step numbers, arguments,
 * outputs and links. The model answers by pointing at steps and output paths, never by copying
 * values: the code reads every answer value from the recording itself.
 */
import type { Difficulty, RecordedCall } from '../../domain.js';
import { outputValue } from '../../mcp/output.js';
import type { EpisodeRecord } from '../../synthesize/synthesizer.js';
import type { LlmTool } from '../types.js';
import { truncate } from './tool-result-text.js';

export const SUBMIT_TOOL_NAME = 'submit_tasks';

export const SYNTHESIS_SYSTEM = [
  'You write tasks for evaluating tool-using assistants, backward from a recorded session with a service.',
  'Each task is a request a real user could make, answered by calls that were actually recorded.',
  'Rules for the instruction: never name a tool or mention steps; write out every input value the user would know (names, ids the user chose, text to store);',
  'never reveal a value the assistant must discover: that is what the answers are.',
  'Rules for the answers: each answer points at a recorded step number and a path into that step\'s output',
  '(dot and index notation, e.g. entities[0].name), where a single text or number value is found. Do not copy values.',
  'The trajectory lists the recorded step numbers of the calls needed, in order; every answer\'s step must be one of them.',
  'The answer template is one sentence with a {field} slot for each answer field.',
  `Submit with the ${SUBMIT_TOOL_NAME} tool.`,
].join(' ');

const DIFFICULTIES: Difficulty[] = ['easy', 'medium', 'hard'];

export function submitTool(maxTasks: number): LlmTool {
  return {
    name: SUBMIT_TOOL_NAME,
    description: 'Submit the tasks written from the recorded session.',
    inputSchema: {
      type: 'object',
      properties: {
        tasks: {
          type: 'array',
          maxItems: maxTasks,
          items: {
            type: 'object',
            properties: {
              instruction: { type: 'string', description: 'The user request; names no tool, gives every input value, reveals no answer.' },
              answerTemplate: { type: 'string', description: 'One sentence with a {field} slot per answer field.' },
              difficulty: { type: 'string', enum: DIFFICULTIES },
              trajectory: { type: 'array', items: { type: 'integer' }, description: 'Recorded step numbers of the calls needed, in order.' },
              answers: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  properties: {
                    field: { type: 'string', description: 'The answer field name, an identifier.' },
                    step: { type: 'integer', description: 'The recorded step whose output holds the value.' },
                    path: { type: 'string', description: 'Path into that output, e.g. entities[0].name.' },
                    description: { type: 'string', description: 'What the value is, without the value itself.' },
                  },
                  required: ['field', 'step', 'path', 'description'],
                },
              },
            },
            required: ['instruction', 'answerTemplate', 'difficulty', 'trajectory', 'answers'],
          },
        },
      },
      required: ['tasks'],
    },
  };
}

/** The episode's successful exploration calls, as the model reads them. */
export function episodePrompt(episode: EpisodeRecord, calls: RecordedCall[], maxTasks: number, maxOutputChars: number): string {
  const tools = [...new Set(calls.map((c) => c.tool))].map((name) => `- ${name}: ${episode.tools.get(name)?.description ?? ''}`);
  const steps = calls.map((call) => {
    const links = call.links.map((l) => `  argument ${l.argument} came from step ${l.fromStep} at ${l.outputPath}`);
    return [
      `Step ${call.step}: ${call.tool}`,
      `  arguments: ${JSON.stringify(call.arguments)}`,
      `  output: ${truncate(JSON.stringify(outputValue(call.result)) ?? 'null', maxOutputChars)}`,
      ...links,
    ].join('\n');
  });
  return [
    `Service: ${episode.server}`,
    'Tools used (for your understanding only; the instruction must not name them):',
    ...tools,
    '',
    'Recorded successful calls:',
    ...steps,
    '',
    `Write up to ${maxTasks} tasks from these calls.`,
  ].join('\n');
}
