import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { EpisodeSummary } from '../src/explore/run-episode.js';
import { failureTypes, type ExploreSubDagInput } from './api.js';
import { rootApplicationFailure, rootMessage } from './failures.js';

const { exploreEpisode } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // Short, so that an episode whose worker died resumes on another worker within seconds.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});
/** Synthesis makes no live call and does not heartbeat (an LLM synthesizer's one request can take long). */
const { synthesizeTasks } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});

export interface SubDagOutcome extends EpisodeSummary {
  candidates: number;
}

/**
 * One sub-DAG: its exploration, then the tasks written backward from it. Its own workflow, so that
 * each shows in the Web UI with its own history and can fail or be retried without the others.
 */
export async function exploreSubDag(input: ExploreSubDagInput): Promise<SubDagOutcome> {
  try {
    const episode = await exploreEpisode(input);
    const { candidates } = await synthesizeTasks(input);
    return { ...episode, candidates };
  } catch (error) {
    const cause = rootApplicationFailure(error);
    const fatal = cause?.nonRetryable === true;
    throw ApplicationFailure.create({
      type: fatal ? failureTypes.explorationFatal : cause?.type ?? 'ExplorationFailed',
      message: `sub-DAG ${input.subDagIndex}: ${rootMessage(error)}`,
      nonRetryable: true,
    });
  }
}
