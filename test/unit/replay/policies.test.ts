import { describe, expect, it } from 'vitest';
import type { JsonObject, SimulatedAnswer, Task } from '../../../src/domain.js';
import { valuesAt } from '../../../src/explore/json-path.js';
import { outputValue } from '../../../src/mcp/output.js';
import { runPolicy } from '../../../src/replay/policies.js';
import { reward } from '../../../src/replay/reward.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import type { ReplayEnvironment } from '../../../src/verify/replay.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { memoryEpisode, memoryReadEpisode, simulatorFor, taskManagerEpisode, type Episode } from '../synthesize/fixtures/episodes.js';

/** The real simulator, with every call and answer of every episode written down. */
function recording(environment: ReplayEnvironment) {
  const episodes: Array<Array<{ tool: string; args: JsonObject; answer: SimulatedAnswer }>> = [];
  const wrapped: ReplayEnvironment = {
    startEpisode() {
      const episode = environment.startEpisode();
      const calls: (typeof episodes)[number] = [];
      episodes.push(calls);
      return {
        async call(tool: string, args: JsonObject): Promise<SimulatedAnswer> {
          const answer = await episode.call(tool, args);
          calls.push({ tool, args, answer });
          return answer;
        },
      };
    },
  };
  return { environment: wrapped, episodes };
}

async function setUp(make: () => Episode) {
  const episode = make();
  const tasks = await new OfflineSynthesizer().synthesize(episode.record);
  expect(tasks.length).toBeGreaterThan(0);
  return { episode, tasks, simulator: simulatorFor(episode) };
}

const sequence = (task: Task) => task.trajectory.map((s) => s.tool).join('>');

describe('the reference policy on the real simulator', () => {
  it.each([
    ['memory', memoryEpisode],
    ['taskmanager', taskManagerEpisode],
    ['memory (one read)', memoryReadEpisode],
  ])('earns reward 1 on every %s task, every call answered exactly', async (_name, make) => {
    const { episode, tasks, simulator } = await setUp(make);
    for (const task of tasks) {
      const outcome = await runPolicy('reference', task, simulator, episode.record.tools);
      expect(outcome.provenance).toEqual(task.trajectory.map(() => 'exact'));
      expect(outcome.answer).toEqual(Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value])));
      expect(reward(task, outcome.answer)).toBe(1);
    }
  });
});

describe('the offline agent on the real simulator', () => {
  it.each([
    ['memory', memoryEpisode],
    ['taskmanager', taskManagerEpisode],
    ['memory (one read)', memoryReadEpisode],
  ])('on %s: makes one call per step, tags each with the simulator’s provenance, and reads its answer off what it got', async (_name, make) => {
    const { episode, tasks, simulator } = await setUp(make);
    for (const task of tasks) {
      const { environment, episodes } = recording(simulator);
      const outcome = await runPolicy('offline-agent', task, environment, episode.record.tools);
      expect(episodes).toHaveLength(1);
      const calls = episodes[0]!;
      expect(calls.map((c) => c.tool)).toEqual(task.trajectory.map((s) => s.tool));
      expect(outcome.provenance).toEqual(calls.map((c) => c.answer.provenance));
      for (const g of task.groundTruth) {
        const got = calls[g.source.trajectoryStep]!.answer;
        expect(outcome.answer[g.field]).toEqual(valuesAt(outputValue(got.result), g.source.path)[0]?.value);
      }
      // Honest scoring: 1 exactly when every field it read is the ground truth.
      const allRight = task.groundTruth.every((g) => outcome.answer[g.field] === g.value);
      expect(reward(task, outcome.answer)).toBe(allRight ? 1 : 0);
      // Deterministic: the same task, the same calls and the same answer.
      expect(await runPolicy('offline-agent', task, simulator, episode.record.tools)).toEqual(outcome);
    }
  });

  it('solves a task whose only call takes no arguments: it can only make the recorded call', async () => {
    const { episode, tasks, simulator } = await setUp(memoryReadEpisode);
    for (const task of tasks) {
      const outcome = await runPolicy('offline-agent', task, simulator, episode.record.tools);
      expect(outcome.provenance).toEqual(['exact']);
      expect(reward(task, outcome.answer)).toBe(1);
    }
  });

  it('misses every taskmanager call: it is never told the request, and nothing it invents is near a recording', async () => {
    // Without hints or the instruction, the planner writes the request from its word list, which
    // shares no token with any recorded request: below the retrieval threshold, an error. With only
    // errors before them, later arguments cannot be linked either, so every call misses.
    const { episode, tasks, simulator } = await setUp(taskManagerEpisode);
    for (const task of tasks) {
      const outcome = await runPolicy('offline-agent', task, simulator, episode.record.tools);
      expect(outcome.provenance).toEqual(task.trajectory.map(() => 'none'));
      for (const g of task.groundTruth) expect(outcome.answer[g.field]).toBeUndefined();
      expect(reward(task, outcome.answer)).toBe(0);
    }
  });

  it('on memory, earns nothing from another state\'s data under the strict policy; lenient retrieval says how far that state is', async () => {
    // Its search word and invented observation are far from every recording (none); read_graph takes
    // no arguments, so its nearest recording has the same arguments but another state: the graph as
    // recorded after the add the agent never made. Strict answers none (no reward from it); lenient
    // retrieves it, with a similarity below 1 and the state distance in the answer.
    const { episode, tasks, simulator } = await setUp(memoryEpisode);
    const lenient = new Simulator(simulator.cache, { policy: 'lenient', retrievalThreshold: 0.1 });
    const long = tasks.filter((t) => sequence(t).startsWith('search_nodes>add_observations>read_graph'));
    expect(long.length).toBeGreaterThan(0);
    for (const task of long) {
      const strictOutcome = await runPolicy('offline-agent', task, simulator, episode.record.tools);
      expect(strictOutcome.provenance).toEqual(task.trajectory.map(() => 'none'));
      expect(reward(task, strictOutcome.answer)).toBe(0);
      const loose = await runPolicy('offline-agent', task, lenient, episode.record.tools);
      expect(loose.provenance[task.trajectory.findIndex((s) => s.tool === 'read_graph')]).toBe('retrieved');
    }
    // A state in which read_graph was never recorded: strict refuses it, lenient retrieves another
    // state's graph, never with similarity 1, and both say how many writes away that state is.
    const unread = simulator.cache.entries.map((e) => e.state).find((state) => !simulator.cache.exact('read_graph', '{}', state))!;
    expect(unread).toBeDefined();
    const strictRead = await simulator.startEpisode({ state: unread }).call('read_graph', {});
    expect(strictRead).toMatchObject({ provenance: 'none', isError: true });
    expect(strictRead.stateDistance).toBeGreaterThan(0);
    const looseRead = await lenient.startEpisode({ state: unread }).call('read_graph', {});
    expect(looseRead.provenance).toBe('retrieved');
    expect(looseRead.similarity).toBeLessThan(1);
    expect(looseRead.stateDistance).toBe(strictRead.stateDistance);
  });
});
