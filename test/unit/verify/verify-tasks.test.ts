import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckName, JsonObject, Task, Verdict } from '../../../src/domain.js';
import { withValueAt } from '../../../src/explore/json-path.js';
import { OfflineSynthesizer } from '../../../src/synthesize/offline-synthesizer.js';
import { CHECKS, type CheckContext } from '../../../src/verify/checks.js';
import { duplicateKey, verifyTasks, type TaskJudge } from '../../../src/verify/verify-tasks.js';
import { memoryEpisode, newRunId, simulatorFor, type Episode } from '../synthesize/fixtures/episodes.js';

const CHECK_NAMES = CHECKS.map(([name]) => name);
const verdictsOf = (verdicts: Verdict[], task: Task) => verdicts.filter((v) => v.taskId === task.id);
const failedChecks = (verdicts: Verdict[], task: Task) => verdictsOf(verdicts, task).filter((v) => !v.passed).map((v) => v.check);

class JudgeUnavailable extends Error {}

/** A judge that answers from a table, and counts what it was asked. */
class TableJudge implements TaskJudge {
  readonly name = 'table-judge';
  readonly asked: string[] = [];
  constructor(private readonly rejected: ReadonlySet<string>) {}
  async judge(task: Task): Promise<{ passed: boolean; reason: string }> {
    this.asked.push(task.id);
    return this.rejected.has(task.id) ? { passed: false, reason: 'the request is ambiguous' } : { passed: true, reason: 'clear and answerable' };
  }
}

describe('verifyTasks', () => {
  const runId = newRunId();
  let episode: Episode;
  let context: CheckContext;
  let tasks: Task[];
  /** The same tasks, written again from an identical episode recorded as sub-DAG 1. */
  let repeats: Task[];
  let broken: Record<'grounded' | 'replayable' | 'no-leakage' | 'inputs-available' | 'non-trivial', Task>;

  beforeAll(async () => {
    episode = memoryEpisode(runId, 0);
    const again = memoryEpisode(runId, 1);
    context = { tools: episode.record.tools, simulator: simulatorFor(episode, again) };
    tasks = await new OfflineSynthesizer().synthesize(episode.record);
    repeats = await new OfflineSynthesizer().synthesize(again.record);
    const base = tasks.find((t) => t.trajectory.map((s) => s.tool).join('>') === 'search_nodes>add_observations>read_graph>open_nodes')!;
    const variant = (suffix: string, change: (task: Task) => void): Task => {
      const task = structuredClone(base);
      task.id = `${base.id}-${suffix}`;
      change(task);
      return task;
    };
    const NOTE = 'Proposed the Analytical Engine in 1837';
    broken = {
      grounded: variant('wrong-value', (t) => void (t.groundTruth[0]!.value = 'Grace Hopper')),
      // Another observation, in the trajectory and the instruction alike: only the replay can tell.
      replayable: variant('altered-argument', (t) => {
        t.trajectory[1]!.arguments = withValueAt(t.trajectory[1]!.arguments, 'observations[0].contents[0]', NOTE.replace('1837', '1838')) as JsonObject;
        t.instruction = t.instruction.replace(NOTE, NOTE.replace('1837', '1838'));
      }),
      'no-leakage': variant('leaky', (t) => void (t.instruction += `\nIt should be ${String(t.groundTruth[0]!.value)}.`)),
      'inputs-available': variant('missing-input', (t) => void (t.instruction = t.instruction.replace('query "Babbage"', 'a query'))),
      // Search "Babbage" finds "Charles Babbage": an answer that only echoes what the user typed.
      'non-trivial': variant('echo-only', (t) => {
        t.groundTruth = [{ field: 'name', value: 'Charles Babbage', source: { trajectoryStep: 0, path: 'entities[0].name' } }];
      }),
    };
  });

  it('verifies every good candidate, with a passing verdict for each check and for no-duplicate', async () => {
    expect(tasks.length).toBeGreaterThan(1);
    const { verdicts, verified } = await verifyTasks(tasks, context);
    expect(verified).toEqual(tasks);
    for (const task of tasks) {
      expect(verdictsOf(verdicts, task).map((v) => [v.check, v.passed])).toEqual([...CHECK_NAMES, 'no-duplicate'].map((c) => [c, true]));
    }
  });

  it('fails each broken task on its own check, with a reason, and still records every other check', async () => {
    const candidates = [...tasks, ...Object.values(broken)];
    const { verdicts, verified } = await verifyTasks(candidates, context);
    for (const [check, task] of Object.entries(broken) as Array<[CheckName, Task]>) {
      // A wrong value is not what the replay gives either; every other break shows in one check only.
      expect(failedChecks(verdicts, task), task.id).toEqual(check === 'grounded' ? ['grounded', 'replayable'] : [check]);
      const failed = verdictsOf(verdicts, task).find((v) => v.check === check)!;
      expect(failed.reason.length).toBeGreaterThan(0);
      // Five verdicts, no no-duplicate: that check only sees the survivors.
      expect(verdictsOf(verdicts, task).map((v) => v.check)).toEqual(CHECK_NAMES);
    }
    expect(verified.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    // The rejection breakdown, as the verify activity counts it.
    const rejected: Partial<Record<CheckName, number>> = {};
    for (const v of verdicts.filter((v) => !v.passed)) rejected[v.check] = (rejected[v.check] ?? 0) + 1;
    expect(rejected).toEqual({ grounded: 1, replayable: 2, 'no-leakage': 1, 'inputs-available': 1, 'non-trivial': 1 });
    expect(verdicts).toHaveLength(candidates.length * CHECK_NAMES.length + tasks.length);
  });

  it('names the wrong value, the altered step, the leaked field and the missing input in the reasons', async () => {
    const { verdicts } = await verifyTasks(Object.values(broken), context);
    const reason = (check: keyof typeof broken) => verdicts.find((v) => v.taskId === broken[check].id && v.check === check)!.reason;
    expect(reason('grounded')).toContain('"Grace Hopper" is not at');
    expect(reason('replayable')).toBe('step 2 (add_observations) replayed as none, not exact');
    expect(reason('no-leakage')).toBe(`the instruction reveals ${broken['no-leakage'].groundTruth[0]!.field}=${JSON.stringify(broken['no-leakage'].groundTruth[0]!.value)}`);
    expect(reason('inputs-available')).toBe('step 1 (search_nodes) needs query="Babbage", which the instruction does not give');
    expect(reason('non-trivial')).toBe('every answer value is a status line or an echo of a given value');
  });

  it('keeps the first of two identical tasks and fails the second as a duplicate', async () => {
    const first = tasks[0]!;
    const second = repeats.find((t) => t.instruction === first.instruction)!;
    expect(second.id).not.toBe(first.id);
    expect(duplicateKey(second)).toBe(duplicateKey(first));
    const { verdicts, verified } = await verifyTasks([first, second], context);
    expect(verified).toEqual([first]);
    expect(verdictsOf(verdicts, second).filter((v) => v.passed).map((v) => v.check)).toEqual(CHECK_NAMES);
    expect(verdictsOf(verdicts, second).find((v) => v.check === 'no-duplicate')).toEqual({
      taskId: second.id,
      check: 'no-duplicate',
      passed: false,
      reason: `same instruction and tools as task ${first.id}`,
    });
  });

  it('reads case and spacing out of the duplicate key, but not the tools', () => {
    const task = tasks[0]!;
    const shouted = { ...task, instruction: `  ${task.instruction.toUpperCase().replace(/ /g, '   ')}\n` };
    expect(duplicateKey(shouted)).toBe(duplicateKey(task));
    const otherTool = { ...task, trajectory: task.trajectory.map((s, i) => (i === 0 ? { ...s, tool: 'read_graph' } : s)) };
    expect(duplicateKey(otherTool)).not.toBe(duplicateKey(task));
  });

  it('asks the judge only about survivors, records its verdict under llm-judge with its name, and drops what it rejects', async () => {
    const [kept, rejected] = tasks;
    const judge = new TableJudge(new Set([rejected!.id]));
    const second = repeats.find((t) => t.instruction === kept!.instruction)!;
    const { verdicts, verified } = await verifyTasks([...tasks, broken.grounded, second], context, judge);
    expect(judge.asked).toEqual(tasks.map((t) => t.id));
    expect(verified.map((t) => t.id)).toEqual(tasks.filter((t) => t !== rejected).map((t) => t.id));
    expect(verdictsOf(verdicts, rejected!).at(-1)).toEqual({ taskId: rejected!.id, check: 'llm-judge', passed: false, reason: 'table-judge: the request is ambiguous' });
    expect(verdictsOf(verdicts, kept!).at(-1)).toEqual({ taskId: kept!.id, check: 'llm-judge', passed: true, reason: 'table-judge: clear and answerable' });
    expect(verdictsOf(verdicts, broken.grounded).some((v) => v.check === 'llm-judge')).toBe(false);
  });

  it('asks a judge that allows it about several tasks at once, and writes the verdicts in the candidates order', async () => {
    let running = 0;
    let most = 0;
    // Later tasks answer first: the verdicts must not follow the answers' order.
    const slow: TaskJudge = {
      name: 'slow-judge',
      concurrency: 3,
      judge: async (task) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5 * (tasks.length - tasks.indexOf(task))));
        running -= 1;
        return { passed: true, reason: `judged ${task.id}` };
      },
    };
    expect(tasks.length).toBeGreaterThan(3);
    const { verdicts, verified } = await verifyTasks(tasks, context, slow);
    expect(most).toBe(3);
    expect(verified.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    expect(verdicts.filter((v) => v.check === 'llm-judge').map((v) => v.taskId)).toEqual(tasks.map((t) => t.id));
  });

  it('writes no llm-judge verdict without a judge', async () => {
    const { verdicts } = await verifyTasks(tasks, context);
    expect(verdicts.some((v) => v.check === 'llm-judge')).toBe(false);
  });

  it('lets a judge failure through, so that the activity retries', async () => {
    const failing: TaskJudge = {
      name: 'down',
      judge: async () => {
        throw new JudgeUnavailable('529 overloaded');
      },
    };
    await expect(verifyTasks(tasks, context, failing)).rejects.toBeInstanceOf(JudgeUnavailable);
  });
});
