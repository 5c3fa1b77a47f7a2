import { describe, expect, it } from 'vitest';
import type { DiscoveredTool, Task } from '../../../src/domain.js';
import { argumentValidator } from '../../../src/export/argument-validator.js';
import { prepareTask } from '../../../src/export/prepared-task.js';
import { fillTemplate } from '../../../src/export/prompts.js';
import { sftOpenAiRow } from '../../../src/export/sft-openai-row.js';
import { tasksRow } from '../../../src/export/tasks-row.js';
import { toolCatalog } from '../../../src/export/tool-catalog.js';
import { memoryServerTools, memoryTask } from './fixtures/memory-task.js';

function prepare(task: Task, tools: DiscoveredTool[] = memoryServerTools()) {
  const catalog = toolCatalog(task.server, tools);
  return { catalog, outcome: prepareTask(task, catalog, argumentValidator(catalog.rawSchemas)) };
}

describe('prepareTask', () => {
  it('refuses a call to a tool discovery marked unusable, or never saw, saying which', () => {
    const tools = memoryServerTools().map((t) => (t.name === 'open_nodes' ? { ...t, usable: false, skipReason: 'returns nothing useful' } : t));
    expect(prepare(memoryTask(), tools).outcome).toEqual({ ok: false, reason: 'step 1 calls open_nodes, which is not offered: returns nothing useful' });
    const unknown = memoryTask();
    unknown.trajectory[0]!.tool = 'forget_everything';
    expect(prepare(unknown).outcome).toEqual({ ok: false, reason: "step 0 calls forget_everything, which is not among the server's tools" });
  });

  it('refuses a ground truth that points outside the trajectory', () => {
    const task = memoryTask();
    task.groundTruth[0]!.source.trajectoryStep = 5;
    expect(prepare(task).outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/entityType points at step 5/) });
  });

  it('calls a tool by its collision-free name and maps it back to server/tool', () => {
    const tools: DiscoveredTool[] = memoryServerTools().flatMap((t) =>
      t.name === 'open_nodes' ? [{ ...t, name: 'open.nodes' }, { ...t, name: 'open nodes' }] : [t],
    );
    const task = memoryTask();
    task.trajectory[1]!.tool = 'open.nodes';
    const { catalog, outcome } = prepare(task, tools);
    if (!outcome.ok) throw new Error(outcome.reason);
    const prepared = { ...outcome.task, index: 0, split: 'train' as const, startState: '' };
    const offeredName = catalog.byTool.get('open.nodes')!.name;
    expect(offeredName).toMatch(/^open_nodes_[0-9a-f]{8}$/);
    expect(offeredName).not.toBe(catalog.byTool.get('open nodes')!.name);
    const row = tasksRow(prepared, 'offline') as Record<string, any>;
    expect(row.trajectory[1].tool).toBe(offeredName);
    expect(row.tools.find((t: { name: string }) => t.name === offeredName)).toEqual({ name: offeredName, server: 'memory', tool: 'open.nodes' });
    const openai = sftOpenAiRow(prepared) as Record<string, any>;
    expect(openai.messages[4].tool_calls[0].function.name).toBe(offeredName);
  });

  it('writes the sandbox as /workspace everywhere the agent reads, and names it only when the task touches it', () => {
    const plain = prepare(memoryTask()).outcome;
    const withPath = prepare(memoryTask({ newObservation: 'Her notes are in ${sandbox}/notes.txt' })).outcome;
    if (!plain.ok || !withPath.ok) throw new Error('prepare failed');
    expect(plain.task.system).not.toContain('/workspace');
    expect(withPath.task.system).toContain('Your working directory is /workspace');
    const rows = JSON.stringify([tasksRow(withPath.task as never, 'offline'), sftOpenAiRow(withPath.task as never), withPath.task.user]);
    expect(rows).toContain('Her notes are in /workspace/notes.txt');
    expect(rows).not.toContain('${');
  });

  it('ends the reference answer with the filled template and the answer JSON', () => {
    const outcome = prepare(memoryTask()).outcome;
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.task.finalAnswer).toBe(
      'Ada Lovelace is a person; the observation is: Born in London in 1815.\n\n{"entityType":"person","observation":"Born in London in 1815"}',
    );
  });
});

describe('fillTemplate', () => {
  it('fills known slots, leaves unknown ones, and takes values literally', () => {
    expect(fillTemplate('{a} and {b} cost {price}', { a: 'x', price: 3 })).toBe('x and {b} cost 3');
    expect(fillTemplate('{a}', { a: '$& $1' })).toBe('$& $1');
  });
});
