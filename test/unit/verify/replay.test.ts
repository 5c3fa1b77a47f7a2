import { describe, expect, it } from 'vitest';
import type { JsonObject, SimulatedAnswer, Task } from '../../../src/domain.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import { replayTrajectory, type ReplayEnvironment } from '../../../src/verify/replay.js';
import { memoryEpisode, simulatorFor, taskManagerEpisode, type Episode } from '../synthesize/fixtures/episodes.js';

/** The real simulator, with every call it was asked written down. */
function recording(environment: ReplayEnvironment): ReplayEnvironment & { calls: Array<{ tool: string; args: JsonObject }> } {
  const calls: Array<{ tool: string; args: JsonObject }> = [];
  return {
    calls,
    startEpisode() {
      const episode = environment.startEpisode();
      return {
        call: (tool: string, args: JsonObject): Promise<SimulatedAnswer> => {
          calls.push({ tool, args });
          return episode.call(tool, args);
        },
      };
    },
  };
}

async function tasksOf(episode: Episode): Promise<Task[]> {
  const tasks = await new OfflineSynthesizer().synthesize(episode.record);
  expect(tasks.length).toBeGreaterThan(0);
  return tasks;
}

describe('replayTrajectory with the real simulator', () => {
  it.each([
    ['memory', memoryEpisode],
    ['taskmanager', taskManagerEpisode],
  ])('replays each %s trajectory exactly, call for call, from the recorded state', async (_name, make) => {
    const episode = make();
    const simulator = simulatorFor(episode);
    for (const task of await tasksOf(episode)) {
      const environment = recording(simulator);
      const { answers, observed } = await replayTrajectory(task, environment);
      expect(environment.calls).toEqual(task.trajectory.map((s) => ({ tool: s.tool, args: s.arguments })));
      expect(answers.map((a) => a.provenance)).toEqual(task.trajectory.map(() => 'exact'));
      expect(answers.map((a) => a.source)).toEqual(task.trajectory.map((s) => ({ runId: episode.record.runId, ...s.recorded })));
      expect(answers.map((a) => a.result)).toEqual(task.trajectory.map((s) => s.result));
      expect(observed).toEqual(Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value])));
    }
  });

  it('starts each replay in a fresh episode: replaying twice gives the same', async () => {
    const episode = memoryEpisode();
    const simulator = simulatorFor(episode);
    const [task] = await tasksOf(episode);
    expect(await replayTrajectory(task!, simulator)).toEqual(await replayTrajectory(task!, simulator));
  });

  it('feeds linked arguments from the replayed outputs, not from the recording', async () => {
    const episode = taskManagerEpisode();
    const task = structuredClone((await tasksOf(episode)).find((t) => t.trajectory.length >= 3)!);
    task.trajectory[1]!.arguments = { requestId: 'stale' };
    task.trajectory[2]!.arguments = { ...task.trajectory[2]!.arguments, taskId: 'stale' };
    const environment = recording(simulatorFor(episode));
    const { answers } = await replayTrajectory(task, environment);
    expect(environment.calls[1]?.args).toEqual({ requestId: 'req-3' });
    expect(environment.calls[2]?.args).toMatchObject({ requestId: 'req-3', taskId: 'task-6' });
    expect(answers.every((a) => a.provenance === 'exact')).toBe(true);
  });

  it('reads an answer the replay cannot reach as undefined', async () => {
    const episode = memoryEpisode();
    const task = structuredClone((await tasksOf(episode)).find((t) => t.groundTruth.some((g) => g.source.trajectoryStep === 0))!);
    task.trajectory[0]!.arguments = { query: 'Hopper' };
    const { answers, observed } = await replayTrajectory(task, simulatorFor(episode));
    expect(answers[0]).toMatchObject({ provenance: 'none', isError: true });
    const fromFirst = task.groundTruth.filter((g) => g.source.trajectoryStep === 0);
    expect(fromFirst.length).toBeGreaterThan(0);
    for (const g of fromFirst) expect(observed[g.field]).toBeUndefined();
  });
});
