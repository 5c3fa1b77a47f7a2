import { describe, expect, it } from 'vitest';
import type { Difficulty, RecordedCall, Task } from '../../../src/domain.js';
import { valuesAt } from '../../../src/explore/json-path.js';
import { outputValue } from '../../../src/mcp/output.js';
import { changesState } from '../../../src/simulator/state.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import { appearsIn } from '../../../src/verify/appears-in.js';
import { givenArguments } from '../../../src/verify/given-values.js';
import {
  CLOCK,
  memoryEpisode,
  memoryReadEpisode,
  multiLineWriteEpisode,
  newRunId,
  statusLineEpisode,
  taskManagerEpisode,
  type Episode,
} from './fixtures/episodes.js';

const synthesize = (episode: Episode): Promise<Task[]> => new OfflineSynthesizer().synthesize(episode.record);
const explored = (episode: Episode): RecordedCall[] => episode.record.calls.filter((c) => c.phase === 'explore');
/** The instruction's line for trajectory step i (line 0 names the service). */
const lineOf = (task: Task, i: number): string => task.instruction.split('\n')[i + 1] ?? '';
const TIME_LIKE = /\d{1,2}:\d{2}:\d{2}|GMT|\b(19|20)\d{2}-\d{2}-\d{2}T/;

/** Every episode with tasks to give, each built fresh. */
const productive = (): Episode[] => [memoryEpisode(), taskManagerEpisode(), memoryReadEpisode(), multiLineWriteEpisode()];

describe('fixtures', () => {
  it('record links whose values are really at the linked output paths', () => {
    for (const episode of productive()) {
      for (const call of episode.record.calls) {
        for (const link of call.links) {
          const source = episode.record.calls.find((c) => c.step === link.fromStep)!;
          expect(valuesAt(outputValue(source.result), link.outputPath)[0]?.value).toEqual(link.value);
        }
      }
    }
  });
});

describe('OfflineSynthesizer', () => {
  it('is deterministic: the same episode gives identical tasks with stable, distinct ids', async () => {
    for (const make of [memoryEpisode, taskManagerEpisode]) {
      const runId = newRunId();
      const first = await synthesize(make(runId));
      const again = await synthesize(make(runId));
      expect(first.length).toBeGreaterThan(0);
      expect(again).toEqual(first);
      expect(new Set(first.map((t) => t.id)).size).toBe(first.length);
      for (const task of first) expect(task.id).toMatch(/^[0-9a-f]{16}$/);
      // The id is the run's: the same observations in another run are other tasks.
      const elsewhere = await synthesize(make(newRunId()));
      expect(elsewhere.map((t) => t.instruction)).toEqual(first.map((t) => t.instruction));
      expect(elsewhere.map((t) => t.id).filter((id) => first.some((t) => t.id === id))).toEqual([]);
    }
  });

  it('labels every task with its run, server, sub-DAG and synthesizer', async () => {
    const episode = taskManagerEpisode(newRunId(), 7);
    for (const task of await synthesize(episode)) {
      expect(task).toMatchObject({ runId: episode.record.runId, server: 'taskmanager', subDagIndex: 7, synthesizer: 'offline' });
    }
  });

  describe.each([
    ['memory', memoryEpisode],
    ['taskmanager', taskManagerEpisode],
    ['memory (one read)', memoryReadEpisode],
    ['filesystem (multi-line write)', multiLineWriteEpisode],
  ])('on a %s episode, every task', (_name, make) => {
    const episode = make();
    const tasks = synthesize(episode);

    it('exists', async () => {
      expect((await tasks).length).toBeGreaterThan(0);
    });

    it('names no tool in its instruction', async () => {
      for (const task of await tasks) {
        for (const tool of episode.record.tools.keys()) expect(task.instruction).not.toContain(tool);
      }
    });

    it('writes out every argument value the user supplies, exactly as JSON', async () => {
      for (const task of await tasks) {
        for (const { step, value } of givenArguments(task.trajectory)) {
          expect(lineOf(task, step)).toContain(JSON.stringify(value));
          if (value !== null && typeof value !== 'boolean') expect(appearsIn(value, task.instruction)).toBe(true);
        }
      }
    });

    it('never shows a ground-truth value in its instruction', async () => {
      for (const task of await tasks) {
        for (const { value } of task.groundTruth) expect(appearsIn(value, task.instruction), `${value} in ${task.instruction}`).toBe(false);
      }
    });

    it('has each ground-truth value at its source: that path of that step’s output', async () => {
      for (const task of await tasks) {
        expect(task.groundTruth.length).toBeGreaterThan(0);
        for (const { value, source } of task.groundTruth) {
          const step = task.trajectory[source.trajectoryStep];
          expect(step, `${source.trajectoryStep} is a trajectory step`).toBeDefined();
          const found = valuesAt(outputValue(step!.result), source.path);
          expect(found).toEqual([{ path: source.path, value }]);
        }
      }
    });

    it('asks for exactly its ground-truth fields, all required, one template slot each', async () => {
      for (const task of await tasks) {
        const fields = task.groundTruth.map((g) => g.field);
        expect(new Set(fields).size).toBe(fields.length);
        expect(task.answerSchema.type).toBe('object');
        expect(task.answerSchema.required).toEqual(fields);
        expect(Object.keys(task.answerSchema.properties as object)).toEqual(fields);
        expect(task.answerSchema.additionalProperties).toBe(false);
        for (const g of task.groundTruth) {
          const property = (task.answerSchema.properties as Record<string, { type: string; description: string }>)[g.field];
          expect(property?.type).toBe(typeof g.value === 'number' ? 'number' : 'string');
          expect(task.answerTemplate).toContain(`{${g.field}}`);
          // The schema names the field; the instruction asks for what it describes.
          // "the name of the first entity returned in step 1" is asked for as "the first entity's name … from step 1".
          const [, leaf, owner, step] = /^the (.+?)(?: of the ((?:(?! of the ).)+))? returned in step (\d+)$/.exec(property!.description) ?? [];
          expect(leaf, property!.description).toBeDefined();
          expect(task.instruction).toContain(leaf);
          expect(task.instruction).toContain(owner ? `the ${owner}'s ` : `from step ${step}`);
        }
      }
    });

    it('replays recorded calls in recorded order, none failed, each exactly as recorded', async () => {
      const calls = explored(episode);
      for (const task of await tasks) {
        const steps = task.trajectory.map((s) => s.recorded.step);
        expect(steps).toEqual([...steps].sort((a, b) => a - b));
        expect(new Set(steps).size).toBe(steps.length);
        for (const step of task.trajectory) {
          const call = calls.find((c) => c.step === step.recorded.step);
          expect(call, `step ${step.recorded.step} is an explored call`).toBeDefined();
          expect(step).toMatchObject({ tool: call!.tool, arguments: call!.arguments, result: call!.result, isError: false });
          expect(step.recorded.subDagIndex).toBe(episode.record.subDagIndex);
        }
      }
    });

    it('keeps every earlier successful state-changing call, and no read-only call nothing needs', async () => {
      const calls = explored(episode);
      for (const task of await tasks) {
        const last = task.trajectory.at(-1)!.recorded.step;
        const included = new Set(task.trajectory.map((s) => s.recorded.step));
        for (const call of calls.filter((c) => c.step <= last && !c.isError && changesState(episode.record.tools.get(c.tool)))) {
          expect(included.has(call.step), `state-changing step ${call.step} (${call.tool}) is replayed`).toBe(true);
        }
        // Needed: the last step, every answer's step, and (transitively) every step a needed step's arguments came from.
        const needed = new Set([task.trajectory.length - 1, ...task.groundTruth.map((g) => g.source.trajectoryStep)]);
        for (let i = task.trajectory.length - 1; i >= 0; i--) {
          if (needed.has(i)) for (const link of task.trajectory[i]!.links) needed.add(link.fromTrajectoryStep);
        }
        task.trajectory.forEach((step, i) => {
          if (!changesState(episode.record.tools.get(step.tool))) expect(needed.has(i), `read-only ${step.tool} at ${i} is needed`).toBe(true);
        });
      }
    });

    it('describes each linked argument by the step it comes from and never writes its value', async () => {
      for (const task of await tasks) {
        task.trajectory.forEach((step, i) => {
          for (const link of step.links) {
            expect(link.fromTrajectoryStep).toBeLessThan(i);
            const value = valuesAt(step.arguments, link.argument)[0]?.value;
            expect(value).toBeDefined();
            // The recorded chain holds inside the trajectory: the argument is the source's output there.
            expect(valuesAt(outputValue(task.trajectory[link.fromTrajectoryStep]!.result), link.outputPath)[0]?.value).toEqual(value);
            expect(lineOf(task, i)).toMatch(new RegExp(`\\[the [a-z' ]+ from step ${link.fromTrajectoryStep + 1}\\]`));
            expect(lineOf(task, i)).not.toContain(JSON.stringify(value));
          }
        });
      }
    });

    it('asks for an element of a list by its position', async () => {
      for (const task of await tasks) {
        for (const g of task.groundTruth) {
          const element = /([A-Za-z]+)\[(\d+)\]$/.exec(g.source.path);
          const { description } = (task.answerSchema.properties as Record<string, { description: string }>)[g.field]!;
          const request = /^the ([a-z]+) /.exec(description);
          expect(request, g.field).not.toBeNull();
          if (element) expect(request![1]).toBe(['first', 'second', 'third', 'fourth'][Number(element[2])]);
          else expect(request![1]).not.toBe('value');
        }
      }
    });

    it('never answers with a clock time', async () => {
      for (const task of await tasks) for (const { value } of task.groundTruth) expect(String(value)).not.toMatch(TIME_LIKE);
    });
  });

  it('leaves out failed calls and a read-only search that found nothing', async () => {
    const episode = memoryEpisode();
    const failed = explored(episode).find((c) => c.isError)!;
    const emptySearch = explored(episode).find((c) => c.tool === 'search_nodes' && c.arguments.query === 'Turing')!;
    const tasks = await synthesize(episode);
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      const steps = task.trajectory.map((s) => s.recorded.step);
      expect(steps).not.toContain(failed.step);
      expect(steps).not.toContain(emptySearch.step);
    }
  });

  it('writes a linked chain as references: request → next task → done → details (done hands back only its own arguments)', async () => {
    const tasks = await synthesize(taskManagerEpisode());
    const done = tasks.find((t) => t.trajectory.map((s) => s.tool).join('>') === 'request_planning>get_next_task>mark_task_done>open_task_details');
    expect(done).toBeDefined();
    expect(lineOf(done!, 0)).toBe(
      '1. Register a new user request with original request "Migrate the user database to PostgreSQL 16", ' +
        'tasks [{"title": "Back up the database", "description": "Take a full snapshot before the migration"}].',
    );
    expect(lineOf(done!, 1)).toBe('2. Get next task with request id [the request id from step 1].');
    expect(lineOf(done!, 2)).toBe(
      '3. Mark a given task as done with request id [the request id from step 1], ' +
        'task id [the task\'s id from step 2], completed details "Done and verified on staging".',
    );
    expect(done!.trajectory[2]!.links).toEqual([
      { argument: 'requestId', fromTrajectoryStep: 0, outputPath: 'requestId' },
      { argument: 'taskId', fromTrajectoryStep: 1, outputPath: 'task.id' },
    ]);
    expect(done!.instruction).not.toContain('req-3');
    expect(done!.instruction).not.toContain('task-6');
    expect(done!.groundTruth.map((g) => g.source.trajectoryStep)).not.toContain(2);
    expect(done!.difficulty).toBe('hard');
  });

  it('gives no task when every output is a status line or clock-stamped metadata', async () => {
    const episode = statusLineEpisode();
    expect(explored(episode).filter((c) => !c.isError)).toHaveLength(3);
    expect(await synthesize(episode)).toEqual([]);
  });

  it('skips a clock time even where it would otherwise be the first answer', async () => {
    const plain = await synthesize(memoryReadEpisode());
    const firstObservation = 'Published the first algorithm intended for a machine in 1843';
    // Without a clock, Ada's first observation is an answer…
    expect(plain.flatMap((t) => t.groundTruth.map((g) => g.value))).toContain(firstObservation);
    // …with one in its place, it is not, and other answers still are.
    const stamped = `created: ${CLOCK}`;
    const tasks = await synthesize(memoryReadEpisode(newRunId(), 0, stamped));
    expect(tasks.length).toBeGreaterThan(0);
    const values = tasks.flatMap((t) => t.groundTruth.map((g) => g.value));
    expect(values).not.toContain(stamped);
    for (const value of values) expect(String(value)).not.toMatch(TIME_LIKE);
  });

  it('gives a one-call task only when the episode has nothing longer', async () => {
    const single = await synthesize(memoryReadEpisode());
    expect(single.length).toBeGreaterThan(0);
    for (const task of single) expect(task.trajectory).toHaveLength(1);
    for (const task of await synthesize(memoryEpisode())) expect(task.trajectory.length).toBeGreaterThanOrEqual(2);
    for (const task of await synthesize(taskManagerEpisode())) expect(task.trajectory.length).toBeGreaterThanOrEqual(2);
  });

  it('grades difficulty by trajectory length: 1 easy, 2–3 medium, 4 or more hard', async () => {
    const tasks = (await Promise.all(productive().map(synthesize))).flat();
    const expected = (steps: number): Difficulty => (steps <= 1 ? 'easy' : steps <= 3 ? 'medium' : 'hard');
    for (const task of tasks) expect(task.difficulty, `${task.trajectory.length} steps`).toBe(expected(task.trajectory.length));
    expect(new Set(tasks.map((t) => t.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
    const rank = { easy: 0, medium: 1, hard: 2 } as const;
    const byLength = [...tasks].sort((a, b) => a.trajectory.length - b.trajectory.length);
    for (let i = 1; i < byLength.length; i++) expect(rank[byLength[i]!.difficulty]).toBeGreaterThanOrEqual(rank[byLength[i - 1]!.difficulty]);
  });
});
