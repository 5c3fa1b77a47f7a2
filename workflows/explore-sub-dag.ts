import { ApplicationFailure, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { EpisodeSummary } from '../src/explore/run-episode.js';
import { failureTypes, llmTaskQueue, type ExploreSubDagInput, type RunUsage } from '../src/api.js';
import { rootApplicationFailure, rootMessage } from './failures.js';

const { exploreEpisode } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // Short, so that an episode whose worker died resumes on another worker within seconds.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});
/** Synthesis makes no live call; it heartbeats on a timer, so a dead worker costs a minute, not ten. */
const { synthesizeTasks } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});

/**
 * A run with models explores and synthesizes on the LLM task queue: a model's turns are slow, and
 * rate limits (whose retry-after sets the next attempt's delay) need more attempts and longer waits.
 */
const LLM_RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 } as const;

function onLlmQueue(options: ActivityOptions): ActivityOptions {
  return { ...options, taskQueue: llmTaskQueue(workflowInfo().taskQueue), retry: LLM_RETRY };
}

const llmStages = {
  exploreEpisode: proxyActivities<Activities>(onLlmQueue({ startToCloseTimeout: '30 minutes', heartbeatTimeout: '30 seconds' })).exploreEpisode,
  synthesizeTasks: proxyActivities<Activities>(onLlmQueue({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '1 minute' })).synthesizeTasks,
};

export interface SubDagOutcome extends EpisodeSummary {
  candidates: number;
  /** The run's model spend when synthesis finished; absent or null for a run without models. */
  usage?: RunUsage | null;
}

/**
 * One sub-DAG: its exploration, then the tasks written backward from it. Its own workflow, so that
 * each shows in the Web UI with its own history and can fail or be retried without the others.
 */
export async function exploreSubDag(input: ExploreSubDagInput): Promise<SubDagOutcome> {
  try {
    const stages = input.models ? llmStages : { exploreEpisode, synthesizeTasks };
    const activityInput = { runId: input.runId, subDagIndex: input.subDagIndex };
    const tools = input.label ? `: ${input.label}` : '';
    const episode = await stages.exploreEpisode.executeWithOptions({ summary: `explore sub-DAG ${input.subDagIndex} live${tools}` }, [activityInput]);
    const { candidates, usage } = await stages.synthesizeTasks.executeWithOptions(
      { summary: `write tasks backward from sub-DAG ${input.subDagIndex}'s ${episode.calls} calls` },
      [activityInput],
    );
    return { ...episode, candidates, ...(usage ? { usage } : {}) };
  } catch (error) {
    const cause = rootApplicationFailure(error);
    // A refusal no retry can fix ends the run, except a model's refusal of one conversation.
    const fatal = cause?.nonRetryable === true && cause.type !== failureTypes.llmBadRequest;
    throw ApplicationFailure.create({
      type: fatal ? failureTypes.explorationFatal : cause?.type ?? 'ExplorationFailed',
      message: `sub-DAG ${input.subDagIndex}: ${rootMessage(error)}`,
      nonRetryable: true,
    });
  }
}
