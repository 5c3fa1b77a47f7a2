/**
 * Replay with a sampled policy (an LLM agent): every task is solved `samples` times, each attempt
 * scored with the binary reward. The tally adds up across batches: attempts passed, pass counts per
 * sample index and per task, and the sum of each task's pass@k, so that the merged pass@k is that sum
 * over all tasks divided by their number, as passAtK defines it.
 */
import type { Provenance, Task } from '../domain.js';
import { passAtK } from '../llm/stages/pass-at-k.js';
import type { PolicyOutcome } from './policies.js';
import { reward } from './reward.js';

const FAILED_EXAMPLES = 5;

export interface SampledTally {
  tasks: number;
  /** Attempts that earned reward 1, over every task and sample. */
  passed: number;
  provenance: Record<Provenance, number>;
  /** Tasks that no attempt solved (the first few). */
  failedExamples: string[];
  sampled: {
    samples: number;
    /** passedBySample[j]: tasks whose j-th attempt passed. */
    passedBySample: number[];
    /** tasksByPassCount[c]: tasks with exactly c passing attempts. */
    tasksByPassCount: number[];
    /** Σ over tasks of passAtK([that task's attempts], samples). */
    passAtKSum: number;
  };
}

export function emptyTally(samples: number): SampledTally {
  return {
    tasks: 0,
    passed: 0,
    provenance: { exact: 0, retrieved: 0, generated: 0, none: 0 },
    failedExamples: [],
    sampled: { samples, passedBySample: new Array<number>(samples).fill(0), tasksByPassCount: new Array<number>(samples + 1).fill(0), passAtKSum: 0 },
  };
}

/** One task's attempts, in order: whether each passed, and the provenance of every call it made. */
export interface TaskAttempts {
  taskId: string;
  passed: boolean[];
  provenance: Provenance[];
}

/** Solves `task` `samples` times, one attempt after the other. */
export async function attemptTask(task: Task, samples: number, solve: (task: Task, sample: number) => Promise<PolicyOutcome>): Promise<TaskAttempts> {
  const attempts: TaskAttempts = { taskId: task.id, passed: [], provenance: [] };
  for (let sample = 0; sample < samples; sample++) {
    const outcome = await solve(task, sample);
    attempts.passed.push(reward(task, outcome.answer) === 1);
    attempts.provenance.push(...outcome.provenance);
  }
  return attempts;
}

/** A new tally with one more task's attempts in it. */
export function withAttempts(tally: SampledTally, attempts: TaskAttempts): SampledTally {
  const { samples } = tally.sampled;
  if (attempts.passed.length !== samples) throw new RangeError(`task ${attempts.taskId} has ${attempts.passed.length} attempts, not ${samples}`);
  const next = structuredClone(tally);
  const passes = attempts.passed.filter(Boolean).length;
  next.tasks += 1;
  next.passed += passes;
  for (const p of attempts.provenance) next.provenance[p] += 1;
  attempts.passed.forEach((passed, sample) => {
    if (passed) next.sampled.passedBySample[sample]! += 1;
  });
  next.sampled.tasksByPassCount[passes]! += 1;
  next.sampled.passAtKSum += passAtK([attempts.passed], samples);
  if (passes === 0 && next.failedExamples.length < FAILED_EXAMPLES) next.failedExamples.push(attempts.taskId);
  return next;
}
