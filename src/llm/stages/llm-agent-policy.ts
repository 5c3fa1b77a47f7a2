/**
 * An LLM agent for replay: it solves a task's instruction against a fresh simulator episode with
 * the agent loop, offered the tools the task's reference trajectory uses, and states its answer as
 * a JSON object. Its outcome has the shape of the built-in policies' (src/replay/policies.ts), so
 * `reward` scores it the same way, plus what it did, for the record.
 */
import type { JsonObject, JsonValue, Provenance, Task, ToolDefinition } from '../../domain.js';
import type { PolicyOutcome } from '../../replay/policies.js';
import type { ReplayEnvironment } from '../../verify/replay.js';
import type { LlmClient } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';
import { runAgentLoop, type AgentLoopResult, type AgentTool } from './agent-loop.js';
import { lastJsonObject } from './last-json-object.js';

export { passAtK } from './pass-at-k.js';

export interface LlmAgentPolicyOptions {
  client: LlmClient;
  /** The server's tool definitions, by MCP name. */
  tools: ReadonlyMap<string, ToolDefinition>;
  ledger?: UsageLedger;
  /** Tool calls per attempt. Default: twice the reference trajectory plus two, for corrections. */
  maxSteps?: number;
  temperature?: number;
  maxTokens?: number;
}

export interface LlmPolicyOutcome extends PolicyOutcome {
  /** The final answer could not be read as a JSON object: the answer is empty. */
  unparsed: boolean;
  run: AgentLoopResult;
}

const SYSTEM = [
  'You are an assistant that completes a user request by calling the tools provided.',
  'Call tools to find every value you need; never guess a value a tool can tell you.',
  'If a call fails, read the error and correct the call.',
  'When you are done, reply with your final answer as one JSON object with exactly the requested fields, and no tool call.',
].join(' ');

export class LlmAgentPolicy {
  readonly name: string;

  constructor(private readonly options: LlmAgentPolicyOptions) {
    this.name = options.client.model;
  }

  async solve(task: Task, environment: ReplayEnvironment): Promise<LlmPolicyOutcome> {
    const episode = environment.startEpisode();
    const provenance: Provenance[] = [];
    const run = await runAgentLoop({
      client: this.options.client,
      system: SYSTEM,
      instruction: `${task.instruction}\n\n${answerRequest(task)}`,
      tools: toolsOf(task, this.options.tools),
      call: async (tool, args) => {
        const answer = await episode.call(tool, args);
        provenance.push(answer.provenance);
        return withErrorFlag(answer.result, answer.isError);
      },
      maxSteps: this.options.maxSteps ?? task.trajectory.length * 2 + 2,
      stage: 'agent',
      ...(this.options.ledger ? { ledger: this.options.ledger } : {}),
      ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
      ...(this.options.maxTokens === undefined ? {} : { maxTokens: this.options.maxTokens }),
    });
    const parsed = lastJsonObject(run.finalText);
    return { answer: parsed ?? {}, provenance, unparsed: parsed === undefined, run };
  }
}

/** The fields to report, from the task's answer schema: names and what each one is. */
function answerRequest(task: Task): string {
  const properties = (task.answerSchema.properties ?? {}) as Record<string, { description?: string }>;
  const fields = task.groundTruth.map((g) => {
    const description = properties[g.field]?.description;
    return `"${g.field}"${description ? ` (${description})` : ''}`;
  });
  return `Finish with a JSON object with the fields ${fields.join(', ')}.`;
}

/** The tools of the task's reference trajectory, each once, in first-use order. */
function toolsOf(task: Task, tools: ReadonlyMap<string, ToolDefinition>): AgentTool[] {
  const names = [...new Set(task.trajectory.map((step) => step.tool))];
  return names.map((name) => {
    const tool = tools.get(name);
    return { name, description: tool?.description ?? '', inputSchema: tool?.inputSchema ?? { type: 'object' } };
  });
}

/** The simulator says whether its answer is an error; the loop reads it from the result. */
function withErrorFlag(result: JsonValue, isError: boolean): JsonValue {
  if (!isError || (result !== null && typeof result === 'object' && !Array.isArray(result) && (result as JsonObject).isError === true)) return result;
  return result !== null && typeof result === 'object' && !Array.isArray(result) ? { ...result, isError: true } : { content: [{ type: 'text', text: JSON.stringify(result) }], isError: true };
}
