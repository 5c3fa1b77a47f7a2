/**
 * The verification stage's LLM judge: the paper's five criteria, asked for as one forced tool call
 * per task. It runs after the deterministic checks (verify-tasks.ts), so it only sees candidates
 * that are already grounded and replayable. An answer that stays unusable after one retry fails
 * the task with that reason: a task no judge could vouch for is not a verified task.
 */
import type { Task, ToolDefinition } from '../../domain.js';
import type { TaskJudge } from '../../verify/verify-tasks.js';
import type { LlmClient } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';
import { forcedToolCall } from './forced-call.js';
import { renderTask, TASK_JUDGE_SYSTEM, TASK_TOOL, TASK_TOOL_NAME } from './task-judge-prompt.js';
import { parseTaskVerdict, summarise, type TaskVerdict } from './task-verdict.js';

export interface LlmTaskJudgeOptions {
  client: LlmClient;
  /** Every request's tokens are added here under stage `verify`, malformed answers included. */
  ledger: UsageLedger;
  /** The tools a solving agent gets, by name, for the "solvable" criterion; default: the trajectory's tool names only. */
  tools?: (task: Task) => readonly Pick<ToolDefinition, 'name' | 'description'>[] | undefined;
  /** Default 1024: five one-sentence reasons. */
  maxTokens?: number;
  /** Told of each verdict with its per-criterion detail, e.g. to store it beside the summary. */
  onVerdict?: (task: Task, verdict: TaskVerdict) => void;
  signal?: AbortSignal;
}

export class LlmTaskJudge implements TaskJudge {
  readonly name: string;

  constructor(private readonly options: LlmTaskJudgeOptions) {
    this.name = options.client.model;
  }

  async judge(task: Task): Promise<{ passed: boolean; reason: string }> {
    const { client, ledger, signal } = this.options;
    const result = await forcedToolCall(
      client,
      {
        system: TASK_JUDGE_SYSTEM,
        messages: [{ role: 'user', text: renderTask(task, this.options.tools?.(task)) }],
        tools: [TASK_TOOL],
        toolChoice: { name: TASK_TOOL_NAME },
        maxTokens: this.options.maxTokens ?? 1024,
        temperature: 0,
        cacheStablePrefix: true,
      },
      { ledger, stage: 'verify', parse: parseTaskVerdict, ...(signal === undefined ? {} : { signal }) },
    );
    if (!result.ok) return { passed: false, reason: `no usable verdict after ${result.attempts} attempts: ${result.reason}` };
    this.options.onVerdict?.(task, result.value);
    return summarise(result.value);
  }
}
