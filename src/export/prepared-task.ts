import type { JsonObject, Task, TrajectoryStep } from '../domain.js';
import type { ArgumentCheck } from './argument-validator.js';
import { callIdsFor } from './call-ids.js';
import { finalAnswerText, systemPrompt, usesSandbox, userPrompt } from './prompts.js';
import { offeredFor, type OfferedTool, type ToolCatalog } from './tool-catalog.js';
import { toolResultText } from './tool-result-text.js';
import { isAnswerFieldName } from '../synthesize/field-name.js';
import { toAgentPaths } from '../explore/sandbox-paths.js';

/** One reference call with everything a format needs, decided once so every file agrees. */
export interface PreparedStep {
  callId: string;
  tool: OfferedTool;
  /** The recorded step as the agent sees it: the sandbox written `/workspace` in its arguments and result. */
  recorded: TrajectoryStep;
  /** The result as the string a tool message carries. */
  resultText: string;
}

/** A task ready to be written in any format: ids, names and texts fixed here, not per format. */
export interface PreparedTask {
  task: Task;
  /** Row number in every file of the dataset. */
  index: number;
  steps: PreparedStep[];
  /** The tools the task offers: those of every server its trajectory calls. */
  offered: OfferedTool[];
  /** Those servers, in the order the trajectory first calls them. */
  servers: string[];
  /** `train` or `test`. */
  split: Split;
  /** The simulator state an episode of this task starts in: after its run's setup calls. */
  startState: string;
  /** Ground truth as one object, field → value, in ground-truth order. */
  answer: JsonObject;
  system: string;
  user: string;
  finalAnswer: string;
}

export type Split = 'train' | 'test';

export type Preparation = { ok: true; task: Omit<PreparedTask, 'index' | 'split' | 'startState'> } | { ok: false; reason: string };

/**
 * Checks what the formats rely on and refuses the task, with a reason, when something is off:
 * a reference call to a tool the dataset does not offer, arguments that violate the tool's schema
 * (a trainer would learn an invalid call), or a ground-truth source outside the trajectory.
 */
export function prepareTask(recorded: Task, catalog: ToolCatalog, checkArguments: ArgumentCheck): Preparation {
  const task = agentView(recorded);
  const ids = callIdsFor(task.id, task.trajectory.length);
  const steps: PreparedStep[] = [];
  for (const [i, step] of task.trajectory.entries()) {
    const tool = catalog.byTool.get(step.tool);
    if (tool === undefined) {
      const unusable = catalog.unusable.get(step.tool);
      return {
        ok: false,
        reason: unusable
          ? `step ${i} calls ${step.tool}, which is not offered: ${unusable}`
          : `step ${i} calls ${step.tool}, which is not among the server's tools`,
      };
    }
    const invalid = checkArguments(step.tool, step.arguments);
    if (invalid !== undefined) return { ok: false, reason: `step ${i} (${step.tool}): arguments do not match the input schema: ${invalid}` };
    steps.push({ callId: ids[i]!, tool, recorded: step, resultText: toolResultText(step.result) });
  }
  for (const truth of task.groundTruth) {
    if (!isAnswerFieldName(truth.field)) return { ok: false, reason: `answer field ${JSON.stringify(truth.field)} is not an identifier (or is a reserved word) in Python and JavaScript: adapters that bind submit's fields as parameters cannot take it` };
    if (!steps[truth.source.trajectoryStep]) {
      return { ok: false, reason: `ground-truth field ${truth.field} points at step ${truth.source.trajectoryStep}, which the trajectory does not have` };
    }
  }
  const answer: JsonObject = Object.fromEntries(task.groundTruth.map((t) => [t.field, t.value]));
  const servers = [...new Set(steps.map((s) => s.tool.server))];
  return {
    ok: true,
    task: {
      task,
      steps,
      offered: offeredFor(catalog, steps),
      servers,
      answer,
      system: systemPrompt(servers, usesSandbox(recorded)),
      user: userPrompt(task),
      finalAnswer: finalAnswerText(task, answer),
    },
  };
}

/** The task in the words an agent reads: every `${sandbox}` in its texts, calls and answers written as the stable root. */
function agentView(task: Task): Task {
  return {
    ...task,
    instruction: toAgentPaths(task.instruction),
    answerTemplate: toAgentPaths(task.answerTemplate),
    groundTruth: toAgentPaths(task.groundTruth),
    trajectory: task.trajectory.map((step) => ({ ...step, arguments: toAgentPaths(step.arguments), result: toAgentPaths(step.result) })),
  };
}
