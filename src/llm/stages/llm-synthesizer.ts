/**
 * Backward synthesis by a model: for one recorded episode, the model sees the successful
 * exploration calls and proposes tasks through a forced tool call. Each proposal is checked
 * against the recording (synthesis-proposal.ts); the survivors go on to the deterministic
 * verifier like the offline synthesizer's tasks, and the rejected ones are kept with their reason.
 */
import type { JsonValue, Task } from '../../domain.js';
import type { EpisodeRecord, Synthesizer } from '../../synthesize/synthesizer.js';
import { MalformedOutputError } from '../errors.js';
import type { LlmClient } from '../types.js';
import type { UsageLedger } from '../usage-ledger.js';
import { episodePrompt, submitTool, SUBMIT_TOOL_NAME, SYNTHESIS_SYSTEM } from './synthesis-prompt.js';
import { taskFromProposal } from './synthesis-proposal.js';

export interface SynthesisRejection {
  runId: string;
  subDagIndex: number;
  /** Index of the proposal in the model's answer; -1 when the whole answer was unusable. */
  index: number;
  reason: string;
  proposal: JsonValue;
}

export interface LlmSynthesizerOptions {
  client: LlmClient;
  ledger?: UsageLedger;
  /** Tasks asked for per episode. Default 3. */
  maxTasks?: number;
  /** Characters of each recorded output the model reads. Default 1500. */
  maxOutputChars?: number;
  maxTokens?: number;
  temperature?: number;
  onReject?: (rejection: SynthesisRejection) => void;
}

export class LlmSynthesizer implements Synthesizer {
  readonly name: string;
  /** Every rejection so far, in order. */
  readonly rejections: SynthesisRejection[] = [];

  constructor(private readonly options: LlmSynthesizerOptions) {
    this.name = options.client.model;
  }

  async synthesize(episode: EpisodeRecord): Promise<Task[]> {
    const explored = episode.calls.filter((c) => c.phase === 'explore');
    const succeeded = explored.filter((c) => !c.isError);
    if (succeeded.length === 0) return [];
    const maxTasks = this.options.maxTasks ?? 3;
    const reject = (index: number, reason: string, proposal: JsonValue) => {
      const rejection = { runId: episode.runId, subDagIndex: episode.subDagIndex, index, reason, proposal };
      this.rejections.push(rejection);
      this.options.onReject?.(rejection);
    };

    let response;
    try {
      response = await this.options.client.complete({
        system: SYNTHESIS_SYSTEM,
        messages: [{ role: 'user', text: episodePrompt(episode, succeeded, maxTasks, this.options.maxOutputChars ?? 1500) }],
        tools: [submitTool(maxTasks)],
        toolChoice: { name: SUBMIT_TOOL_NAME },
        maxTokens: this.options.maxTokens ?? 4096,
        ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
        cacheStablePrefix: true,
      });
    } catch (error) {
      // The call was billed even though its output is unusable; Temporal retries the activity.
      if (error instanceof MalformedOutputError) this.options.ledger?.add('synthesize', error.model, error.usage);
      throw error;
    }
    this.options.ledger?.add('synthesize', response.model, response.usage);

    const submitted = response.toolCalls.find((call) => call.name === SUBMIT_TOOL_NAME)?.arguments.tasks;
    if (!Array.isArray(submitted)) {
      reject(-1, `the model did not submit a list of tasks with ${SUBMIT_TOOL_NAME}`, response.text);
      return [];
    }
    const tasks: Task[] = [];
    submitted.slice(0, maxTasks).forEach((proposal, index) => {
      const result = taskFromProposal(proposal, episode, explored, this.name);
      if ('rejected' in result) return reject(index, result.rejected, proposal);
      if (tasks.some((t) => t.id === result.task.id)) return reject(index, 'the same trajectory and answers as an earlier proposal', proposal);
      tasks.push(result.task);
    });
    return tasks;
  }
}

