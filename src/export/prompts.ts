import type { JsonObject, Task } from '../domain.js';
import { AGENT_WORKSPACE, SANDBOX_PLACEHOLDER } from '../explore/sandbox-paths.js';

/**
 * The words around a task, shared by every format so that SFT and RL prompts are the same text.
 * A task that touches files tells the agent the one root its paths are under.
 */
export function systemPrompt(servers: readonly string[], usesSandbox: boolean): string {
  const named = servers.map((s) => `"${s}"`);
  const which = named.length > 1 ? `MCP servers ${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : `MCP server ${named[0] ?? '""'}`;
  const base =
    `You are an assistant that completes tasks by calling the tools of the ${which}. ` +
    'Call the tools you need, one at a time, and base your answer only on what they return.';
  return usesSandbox ? `${base} Your working directory is ${AGENT_WORKSPACE}; write paths inside it as ${AGENT_WORKSPACE}/….` : base;
}

export function userPrompt(task: Task): string {
  return (
    `${task.instruction}\n\nWhen you have the answer, reply with one sentence, then the answer as a JSON object ` +
    `matching this JSON Schema: ${JSON.stringify(task.answerSchema)}`
  );
}

/** The reference final answer: the filled template sentence, then the answer JSON on its own line. */
export function finalAnswerText(task: Task, answer: JsonObject): string {
  return `${fillTemplate(task.answerTemplate, answer)}\n\n${JSON.stringify(answer)}`;
}

/** `{field}` slots take the ground-truth values; a slot with no such field stays as written. */
export function fillTemplate(template: string, answer: JsonObject): string {
  return template.replace(/\{([^{}]+)\}/g, (slot, field: string) =>
    Object.hasOwn(answer, field) ? String(answer[field]) : slot,
  );
}

/** Whether the recorded task (before its paths were written for the agent) touches the sandbox. */
export function usesSandbox(task: Task): boolean {
  const text = JSON.stringify([task.instruction, task.trajectory.map((s) => [s.arguments, s.result])]);
  return text.includes(SANDBOX_PLACEHOLDER);
}
