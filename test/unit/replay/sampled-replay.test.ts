import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/domain.js';
import { passAtK } from '../../../src/llm/stages/pass-at-k.js';
import type { PolicyOutcome } from '../../../src/replay/policies.js';
import { attemptTask, emptyTally, withAttempts } from '../../../src/replay/sampled-replay.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import { memoryEpisode } from '../synthesize/fixtures/episodes.js';

async function tasks(): Promise<Task[]> {
  const found = await new OfflineSynthesizer().synthesize(memoryEpisode().record);
  expect(found.length).toBeGreaterThanOrEqual(3);
  return found.slice(0, 3);
}

const right = (task: Task): PolicyOutcome => ({ answer: Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value])), provenance: ['exact', 'exact'] });
const wrong = (task: Task): PolicyOutcome => ({ answer: Object.fromEntries(task.groundTruth.map((g) => [g.field, 'not it'])), provenance: ['retrieved'] });

describe('replaying tasks with several samples each', () => {
  it('scores every attempt with the reward, in order, and keeps the provenance of every call', async () => {
    const [task] = await tasks();
    const outcomes = [right, wrong, right, wrong];
    const attempts = await attemptTask(task!, 4, async (t, sample) => outcomes[sample]!(t));
    expect(attempts).toEqual({ taskId: task!.id, passed: [true, false, true, false], provenance: ['exact', 'exact', 'retrieved', 'exact', 'exact', 'retrieved'] });
  });

  it('tallies pass counts per sample and per task, and pass@k as passAtK gives it over the tasks', async () => {
    const found = await tasks();
    const results = [
      [false, false, false],
      [true, false, true],
      [true, true, true],
    ];
    let tally = emptyTally(3);
    for (const [i, task] of found.entries()) {
      tally = withAttempts(tally, await attemptTask(task, 3, async (t, sample) => (results[i]![sample] ? right(t) : wrong(t))));
    }
    expect(tally.tasks).toBe(3);
    expect(tally.passed).toBe(5);
    expect(tally.sampled.passedBySample).toEqual([2, 1, 2]);
    expect(tally.sampled.tasksByPassCount).toEqual([1, 0, 1, 1]);
    expect(tally.sampled.passAtKSum / tally.tasks).toBeCloseTo(passAtK(results, 3), 12);
    expect(tally.passed / (tally.tasks * 3)).toBeCloseTo(passAtK(results, 1), 12);
    expect(tally.failedExamples).toEqual([found[0]!.id]);
    expect(tally.provenance).toEqual({ exact: 10, retrieved: 4, generated: 0, none: 0 });
  });

  it('leaves the tally it was given as it was: a checkpoint stays what it was', async () => {
    const [task] = await tasks();
    const before = emptyTally(1);
    const after = withAttempts(before, await attemptTask(task!, 1, async (t) => right(t)));
    expect(before).toEqual(emptyTally(1));
    expect(after.passed).toBe(1);
  });

  it('refuses attempts of another sample count', () => {
    expect(() => withAttempts(emptyTally(2), { taskId: 't', passed: [true], provenance: [] })).toThrow(RangeError);
  });
});
