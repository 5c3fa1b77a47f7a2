import type { RunProgress } from '../src/api.js';

/**
 * What the Web UI shows of a run as it goes (its current details, markdown): the same counts the
 * `progress` query returns, so the two never disagree.
 */
export function runDetails(progress: RunProgress): string {
  const { subDags, tools, graph, failure } = progress;
  const planner = progress.llm.models.provider === 'offline' ? 'offline planner' : `${progress.llm.models.provider} models`;
  return [
    `**${progress.server || 'server'}**: ${progress.stage}${failure ? ` while ${failure.stage}` : ''} (${planner})`,
    ...(failure ? [`failure: ${failure.message}`] : []),
    `tools: ${tools.usable} usable of ${tools.discovered}; graph: ${graph.edges} edges (${graph.high} high)`,
    `sub-DAGs: ${subDags.done}/${subDags.total} explored, ${subDags.failed} failed, ${subDags.inFlight} running`,
    `calls: ${progress.calls} (${progress.linkedCalls} fed by earlier outputs, ${progress.errors} errors)`,
    `tasks: ${progress.tasks.candidates} candidates, ${progress.tasks.verified} verified`,
    ...(progress.llm.usage ? [`models: ${progress.llm.usage.total.calls} requests, $${progress.llm.usage.total.costUsd.toFixed(4)}`] : []),
  ].join('\n');
}

/** A sub-DAG child's summary: numbered as its workflow ID is (`…/sub-dag-0` is sub-DAG 0), with its tools. */
export function subDagSummary(index: number, total: number, label: string | undefined): string {
  return `sub-DAG ${index} (0–${total - 1})${label ? `: ${label}` : ''}`;
}
