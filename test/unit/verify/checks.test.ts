import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/domain.js';
import { valuesAt, withValueAt } from '../../../src/explore/json-path.js';
import { outputValue } from '../../../src/mcp/output.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import { CHECKS, cleanText, grounded, inputsAvailable, loadBearing, noLeakage, nonTrivial, replayable, unambiguous, type CheckContext } from '../../../src/verify/checks.js';
import {
  MEETING_NOTES,
  byName,
  memoryEpisode,
  multiLineWriteEpisode,
  simulatorFor,
  taskManagerEpisode,
  type Episode,
} from '../synthesize/fixtures/episodes.js';

const contextOf = (episode: Episode): CheckContext => ({ tools: episode.record.tools, simulator: simulatorFor(episode) });
const tools = (task: Task) => task.trajectory.map((s) => s.tool).join('>');
const clone = (task: Task): Task => structuredClone(task);

async function taskOf(episode: Episode, sequence: string): Promise<Task> {
  const task = (await new OfflineSynthesizer().synthesize(episode.record)).find((t) => tools(t) === sequence);
  if (!task) throw new RangeError(`no task ${sequence}`);
  return task;
}

describe('verification checks', () => {
  let episode: Episode;
  let context: CheckContext;
  /** request_planning → get_next_task → mark_task_done, as the offline synthesizer writes it. */
  let good: Task;
  let memory: Episode;
  let memoryTask: Task;

  beforeAll(async () => {
    episode = taskManagerEpisode();
    context = contextOf(episode);
    good = await taskOf(episode, 'request_planning>get_next_task>mark_task_done>open_task_details');
    memory = memoryEpisode();
    memoryTask = await taskOf(memory, 'search_nodes>add_observations>read_graph>open_nodes');
  });

  it('all pass on good tasks from both servers', async () => {
    for (const [task, ctx] of [
      [good, context],
      [memoryTask, contextOf(memory)],
    ] as const) {
      for (const [name, check] of CHECKS) expect(await check(task, ctx), name).toMatchObject({ passed: true });
    }
    expect((await grounded(good)).reason).toBe(`all ${good.groundTruth.length} answer values are at their sources`);
    expect((await replayable(good, context)).reason).toBe('4 calls replayed exactly and gave the same answer');
  });

  describe('grounded', () => {
    it('fails on a wrong value, naming the field, the path and what is there', async () => {
      const broken = clone(good);
      const truth = broken.groundTruth[0]!;
      const recorded = truth.value;
      truth.value = `${String(recorded)}-x`;
      const result = await grounded(broken);
      expect(result.passed).toBe(false);
      expect(result.reason).toBe(
        `${truth.field}: ${JSON.stringify(truth.value)} is not at ${truth.source.path} of step ${truth.source.trajectoryStep + 1} (found ${JSON.stringify(recorded)})`,
      );
    });

    it('fails on a wrong path', async () => {
      const broken = clone(good);
      const truth = broken.groundTruth.find((g) => g.source.path === 'task.id')!;
      truth.source.path = 'task.title';
      const result = await grounded(broken);
      expect(result.passed).toBe(false);
      expect(result.reason).toContain(`${truth.field}: "task-6" is not at task.title`);
      expect(result.reason).toContain('found "Back up the database"');
    });

    it('fails on a source step outside the trajectory', async () => {
      const broken = clone(good);
      broken.groundTruth[0]!.source.trajectoryStep = 4;
      const result = await grounded(broken);
      expect(result).toEqual({ passed: false, reason: `${broken.groundTruth[0]!.field}: its source step 5 is not in the trajectory` });
    });
  });

  describe('replayable', () => {
    it('fails when an altered argument replays without an exact recording', async () => {
      const broken = clone(good);
      // Another request text, in the trajectory and the instruction alike: only the replay can tell.
      const altered = 'Migrate the user database to PostgreSQL 17';
      broken.trajectory[0]!.arguments = { ...broken.trajectory[0]!.arguments, originalRequest: altered };
      broken.instruction = broken.instruction.replace('PostgreSQL 16', 'PostgreSQL 17');
      const result = await replayable(broken, context);
      expect(result).toEqual({ passed: false, reason: 'step 1 (request_planning) replayed as none, not exact' });
      for (const check of [grounded, noLeakage, inputsAvailable, nonTrivial]) expect((await check(broken, context)).passed).toBe(true);
    });

    it('fails when an argument no recording is near replays as no data', async () => {
      const broken = clone(memoryTask);
      broken.trajectory[0]!.arguments = { query: 'Hopper' };
      const result = await replayable(broken, contextOf(memory));
      expect(result).toEqual({ passed: false, reason: 'step 1 (search_nodes) replayed as none, not exact' });
    });

    it('fails when a later write is altered: the state diverges from the recording', async () => {
      const broken = clone(memoryTask);
      const add = broken.trajectory[1]!;
      add.arguments = withValueAt(add.arguments, 'observations[0].contents[0]', 'Proposed the Analytical Engine in 1838') as Task['trajectory'][number]['arguments'];
      const result = await replayable(broken, contextOf(memory));
      // The same entity and a near-identical text: under the strict policy no other call's data answers it.
      expect(result).toEqual({ passed: false, reason: 'step 2 (add_observations) replayed as none, not exact' });
    });

    it('fails when the replayed answer differs from the recorded ground truth', async () => {
      const broken = clone(good);
      const truth = broken.groundTruth[0]!;
      const recorded = truth.value;
      truth.value = 'req-9';
      const result = await replayable(broken, context);
      expect(result).toEqual({ passed: false, reason: `${truth.field}: replay gave ${JSON.stringify(recorded)}, recorded "req-9"` });
    });

    it('takes linked arguments from the replayed outputs, so a stale recorded value does not matter', async () => {
      const relinked = clone(good);
      relinked.trajectory[1]!.arguments = { requestId: 'req-999' };
      expect(await replayable(relinked, context)).toMatchObject({ passed: true });
    });
  });

  describe('no-leakage', () => {
    it('fails when an answer value is put into the instruction, whatever its case', async () => {
      const truth = good.groundTruth[0]!;
      for (const shown of [String(truth.value), String(truth.value).toUpperCase()]) {
        const leaky = { ...clone(good), instruction: `${good.instruction}\nHint: it is ${shown}.` };
        expect(await noLeakage(leaky)).toEqual({ passed: false, reason: `the instruction reveals ${truth.field}=${JSON.stringify(truth.value)}` });
      }
    });

    it('fails when a multi-line answer is shown JSON-escaped', async () => {
      const leaky = clone(good);
      leaky.groundTruth[0]!.value = 'line one\nline two';
      leaky.instruction += `\nNote: ${JSON.stringify('line one\nline two')}`;
      expect((await noLeakage(leaky)).passed).toBe(false);
    });
  });

  describe('inputs-available', () => {
    it('fails when a given argument value is removed from the instruction', async () => {
      const broken = { ...clone(good), instruction: good.instruction.replace('"Migrate the user database to PostgreSQL 16"', '"a database migration"') };
      expect(await inputsAvailable(broken, context)).toEqual({
        passed: false,
        reason: 'step 1 (request_planning) needs originalRequest="Migrate the user database to PostgreSQL 16", which the instruction does not give',
      });
    });

    it('fails when a value the agent must give is a redacted secret', async () => {
      const hinted = clone(good);
      hinted.trajectory[0]!.arguments.originalRequest = 'sign with [REDACTED:jwt]';
      hinted.instruction = hinted.instruction.replace('"Migrate the user database to PostgreSQL 16"', '"sign with [REDACTED:jwt]"');
      expect(await inputsAvailable(hinted, context)).toEqual({ passed: false, reason: 'the instruction holds a redacted value, which the agent cannot know' });
      hinted.instruction = good.instruction;
      expect((await inputsAvailable(hinted, context)).reason).toMatch(/^step 1 \(request_planning\) needs originalRequest="sign with \[REDACTED:jwt\]", a redacted value/);
    });

    it('does not ask for linked values: they come from earlier steps', async () => {
      expect(good.instruction).not.toContain('req-3');
      expect(good.instruction).not.toContain('task-6');
      expect(await inputsAvailable(good, context)).toEqual({ passed: true, reason: 'every argument is given or comes from an earlier step' });
    });

    it('accepts a value the schema fixes (const or default) without the instruction naming it', async () => {
      const broken = { ...clone(good), instruction: good.instruction.replace('"Done and verified on staging"', '"…"') };
      expect((await inputsAvailable(broken, context)).passed).toBe(false);
      const markDone = context.tools.get('mark_task_done')!;
      const properties = { ...(markDone.inputSchema.properties as object), completedDetails: { type: 'string', default: 'Done and verified on staging' } };
      const withDefault = byName([...context.tools.values()].map((t) => (t === markDone ? { ...t, inputSchema: { ...t.inputSchema, properties } } : t)));
      expect((await inputsAvailable(broken, { ...context, tools: withDefault })).passed).toBe(true);
    });

    it('accepts a multi-line value the instruction writes JSON-escaped', async () => {
      const files = multiLineWriteEpisode();
      const task = await taskOf(files, 'write_file>list_directory');
      expect(task.instruction).toContain(JSON.stringify(MEETING_NOTES));
      expect(await inputsAvailable(task, contextOf(files))).toMatchObject({ passed: true });
    });

    it('accepts an empty string the instruction writes as ""', async () => {
      const empty = taskManagerEpisode(undefined, 0, '');
      const task = await taskOf(empty, 'request_planning>get_next_task>mark_task_done>open_task_details');
      expect(task.instruction).toContain('completed details ""');
      expect(await inputsAvailable(task, contextOf(empty))).toMatchObject({ passed: true });
      const dropped = { ...task, instruction: task.instruction.replace(', completed details ""', '') };
      expect(await inputsAvailable(dropped, contextOf(empty))).toEqual({
        passed: false,
        reason: 'step 3 (mark_task_done) needs completedDetails="", which the instruction does not give',
      });
    });
  });

  describe('non-trivial', () => {
    it('names the fields that had to be discovered', async () => {
      expect(await nonTrivial(good)).toEqual({ passed: true, reason: `${good.groundTruth.map((g) => g.field).join(', ')} must be discovered` });
    });

    it('fails when the only answers are status lines', async () => {
      const files = multiLineWriteEpisode();
      const task = await taskOf(files, 'write_file>list_directory');
      const status = outputValue(task.trajectory[0]!.result);
      const statusOnly: Task = {
        ...task,
        groundTruth: [{ field: 'content', value: valuesAt(status, 'content')[0]!.value as string, source: { trajectoryStep: 0, path: 'content' } }],
      };
      expect(statusOnly.groundTruth[0]!.value).toMatch(/^Successfully wrote to /);
      expect((await grounded(statusOnly)).passed).toBe(true);
      expect(await nonTrivial(statusOnly)).toEqual({ passed: false, reason: 'every answer value is a status line or an echo of a given value' });
    });

    it('fails when the only answer echoes a given value', async () => {
      // Search "Babbage" finds "Charles Babbage": the name holds what the user typed.
      const echo: Task = { ...memoryTask, groundTruth: [{ field: 'name', value: 'Charles Babbage', source: { trajectoryStep: 0, path: 'entities[0].name' } }] };
      expect((await grounded(echo)).passed).toBe(true);
      expect((await nonTrivial(echo)).passed).toBe(false);
    });

    it('fails a task one of whose answers is a redacted secret, whatever the others', async () => {
      const secret: Task = {
        ...good,
        groundTruth: [...good.groundTruth, { field: 'token', value: 'API_TOKEN=[REDACTED]', source: { trajectoryStep: 0, path: 'token' } }],
      };
      expect(await nonTrivial(secret)).toEqual({ passed: false, reason: 'token is a redacted secret, not an answer' });
    });

    it('fails a task whose answers are all trivia about the server, and names them', async () => {
      const trivia: Task = {
        ...good,
        groundTruth: [
          { field: 'region', value: 'eu-central', source: { trajectoryStep: 0, path: 'region' } },
          { field: 'serverVersion', value: '1.4.2', source: { trajectoryStep: 0, path: 'server.version' } },
        ],
      };
      expect(await nonTrivial(trivia)).toEqual({ passed: false, reason: 'trivial: every answer is trivia about the server (region, serverVersion)' });
      expect((await nonTrivial({ ...trivia, groundTruth: [...trivia.groundTruth, good.groundTruth[0]!] })).passed).toBe(true);
    });

    it('fails a task with no tool call', async () => {
      expect(await nonTrivial({ ...good, trajectory: [] })).toEqual({ passed: false, reason: 'the task needs no tool call' });
    });
  });

  describe('unambiguous', () => {
    /** One step whose output is a top-level list: `[0].name` and `[1].name`. */
    const listTask = (path: string): Task => ({
      ...clone(good),
      groundTruth: [{ field: 'name', value: 'Ada', source: { trajectoryStep: 0, path } }],
      trajectory: [{ ...clone(good).trajectory[0]!, result: { content: [{ type: 'text', text: '[{"name":"Ada"},{"name":"Grace"}]' }] } }],
    });

    it('passes when the wording names the element of a top-level list', async () => {
      expect(await unambiguous(listTask('[0].name'))).toEqual({ passed: true, reason: 'each answer is the only value its wording fits' });
    });

    it('fails when two values of one output would be worded alike', async () => {
      const task = listTask('[0].name');
      task.trajectory[0]!.result = { content: [{ type: 'text', text: '{"owner":{"name":"Ada"},"author":{"meta":{"owner":{"name":"Grace"}}}}' }] };
      task.groundTruth[0]!.source.path = 'owner.name';
      expect(await unambiguous(task)).toEqual({
        passed: false,
        reason: 'name: "the name of the owner returned in step 1" fits author.meta.owner.name="Grace" as well as owner.name="Ada"',
      });
    });
  });
});

describe('load-bearing', () => {
  it('fails an answer that is its own call\'s argument handed back, naming the field and the step', async () => {
    const task = await taskOf(taskManagerEpisode(), 'request_planning>get_next_task');
    expect(await loadBearing(task)).toMatchObject({ passed: true });
    const echo = { ...task, groundTruth: [{ field: 'requestId', value: 'req-3', source: { trajectoryStep: 1, path: 'task.id' } }] };
    expect(await loadBearing(echo)).toEqual({ passed: false, reason: 'requestId: "req-3" is an argument of step 2 (get_next_task) handed back, known without the call' });
  });
});

describe('clean-text', () => {
  it('fails an answer decoded from bytes that were not text, and passes ordinary text in any script', async () => {
    const task = await taskOf(taskManagerEpisode(), 'request_planning>get_next_task');
    expect(await cleanText(task)).toMatchObject({ passed: true });
    const answer = (value: string) => ({ ...task, groundTruth: [{ field: 'content', value, source: { trajectoryStep: 1, path: 'task.id' } }] });
    expect(await cleanText(answer('Größe: 12 m² — 東京'))).toMatchObject({ passed: true });
    for (const garbled of ['j\uFFFDe{\uFFFD', '+\u0001x', 'a\uD800b']) {
      expect((await cleanText(answer(garbled))).passed, JSON.stringify(garbled)).toBe(false);
    }
    expect((await cleanText(answer('+\uFFFD'))).reason).toMatch(/^content: .* is not clean text/);
  });
});
