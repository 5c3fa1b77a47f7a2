import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../src/domain.js';
import { trajectoryFor } from '../../../src/synthesize/trajectory.js';
import { memoryEpisode, taskManagerEpisode, type Episode } from './fixtures/episodes.js';

function calls(episode: Episode): { explored: RecordedCall[]; at: (tool: string, nth?: number) => RecordedCall } {
  const explored = episode.record.calls.filter((c) => c.phase === 'explore');
  return { explored, at: (tool, nth = 0) => explored.filter((c) => c.tool === tool)[nth]! };
}

describe('trajectoryFor', () => {
  it('takes the target, its link closure and earlier state-changing calls; not failed ones, not unrelated reads', () => {
    const episode = memoryEpisode();
    const { explored, at } = calls(episode);
    const trajectory = trajectoryFor(at('open_nodes'), explored, episode.record.tools);
    // search "Babbage" (its output named the node), the add (a write), the open itself. Not the
    // empty search nor the whole-graph read (read-only, nothing uses them), not the failed add.
    expect(trajectory.map((s) => [s.recorded.step, s.tool])).toEqual([
      [2, 'search_nodes'],
      [3, 'add_observations'],
      [7, 'open_nodes'],
    ]);
    expect(trajectory[2]!.links).toEqual([{ argument: 'names[0]', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }]);
    expect(trajectory[1]!.links).toEqual([{ argument: 'observations[0].entityName', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }]);
  });

  it('copies each call as recorded, with where it was recorded', () => {
    const episode = memoryEpisode(undefined, 4);
    const { explored, at } = calls(episode);
    const target = at('open_nodes');
    const last = trajectoryFor(target, explored, episode.record.tools).at(-1)!;
    expect(last).toEqual({
      tool: 'open_nodes',
      arguments: target.arguments,
      result: target.result,
      isError: false,
      links: [{ argument: 'names[0]', fromTrajectoryStep: 0, outputPath: 'entities[0].name' }],
      recorded: { subDagIndex: 4, step: target.step },
    });
  });

  it('adds the answering calls and their sources, and nothing after the target', () => {
    const episode = memoryEpisode();
    const { explored, at } = calls(episode);
    const read = at('read_graph');
    const trajectory = trajectoryFor(at('open_nodes'), explored, episode.record.tools, [read, at('open_nodes')]);
    expect(trajectory.map((s) => s.recorded.step)).toEqual([2, 3, read.step, at('open_nodes').step]);
    expect(trajectoryFor(at('search_nodes'), explored, episode.record.tools).map((s) => s.recorded.step)).toEqual([2]);
  });

  it('keeps a write whose source is left out, its argument no longer linked', () => {
    const episode = memoryEpisode();
    const { explored, at } = calls(episode);
    // The whole-graph read needs only the add before it (state); the add's source search is not needed.
    const trajectory = trajectoryFor(at('read_graph'), explored, episode.record.tools);
    expect(trajectory.map((s) => s.tool)).toEqual(['add_observations', 'read_graph']);
    expect(trajectory[0]!.links).toEqual([]);
  });

  it('treats every unannotated tool as state-changing (taskmanager)', () => {
    const episode = taskManagerEpisode();
    const { explored, at } = calls(episode);
    const trajectory = trajectoryFor(at('open_task_details'), explored, episode.record.tools);
    expect(trajectory.map((s) => s.tool)).toEqual(['request_planning', 'get_next_task', 'mark_task_done', 'open_task_details']);
    expect(trajectory.map((s) => s.links)).toEqual([
      [],
      [{ argument: 'requestId', fromTrajectoryStep: 0, outputPath: 'requestId' }],
      [
        { argument: 'requestId', fromTrajectoryStep: 0, outputPath: 'requestId' },
        { argument: 'taskId', fromTrajectoryStep: 1, outputPath: 'task.id' },
      ],
      [{ argument: 'taskId', fromTrajectoryStep: 1, outputPath: 'task.id' }],
    ]);
  });
});
