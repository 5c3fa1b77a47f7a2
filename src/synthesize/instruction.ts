import type { JsonObject, JsonValue, ToolDefinition, TrajectoryStep } from '../domain.js';
import type { AnswerField } from './answer-fields.js';
import { describeOutputPath } from './describe-path.js';
import { words } from './words.js';

/**
 * The instruction's body: one numbered request per trajectory step, phrased from the tool's
 * description (never its name), with every value a user would know written out and every value
 * the agent must discover referred to by where it comes from.
 */
export function instructionBody(server: string, trajectory: TrajectoryStep[], tools: ReadonlyMap<string, ToolDefinition>): string {
  const toolNames = [...tools.keys()];
  // A composite's steps each say which of its servers they go to: members may offer look-alike tools.
  const members = [...new Set(trajectory.flatMap((step) => tools.get(step.tool)?.server ?? []))];
  const steps = trajectory.map((step, i) => {
    const tool = tools.get(step.tool);
    const action = actionPhrase(tool, step.tool, toolNames);
    const args = renderArguments(step);
    return `${i + 1}. ${tool?.server ? `On ${tool.server}: ` : ''}${action}${args ? ` with ${args}` : ''}.`;
  });
  const where = members.length > 0 ? `the ${listed(members)} ${members.length > 1 ? 'services' : 'service'}` : `the ${server} service`;
  return [`Using ${where}, do the following:`, ...steps].join('\n');
}

/** "a", "a and b", "a, b and c" */
function listed(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0] ?? '';
}

/** The closing request: which values to report, each described by where it is found. */
export function answerRequest(fields: AnswerField[]): string {
  const wanted = fields.map((f) => `"${f.field}" (${f.description})`).join(', ');
  return `Then report a JSON object with ${wanted}.`;
}

/** "The entity type is {entityType} and the name is {name}." */
export function answerTemplate(fields: AnswerField[]): string {
  const parts = fields.map((f) => `the ${words(f.field.replace(/\d+$/, ''))} is {${f.field}}`);
  const sentence = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function actionPhrase(tool: ToolDefinition | undefined, name: string, toolNames: string[]): string {
  const first = (tool?.description ?? '').split(/(?<=[.!?])\s|\n/)[0]?.trim().replace(/[.!?:]+$/, '') ?? '';
  let phrase = first.length >= 8 ? first : `${words(name)}`;
  // Descriptions sometimes name other tools; an instruction never does.
  for (const other of toolNames) phrase = phrase.split(other).join(words(other));
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** `entities [{"name": "Ada"}], names [the name of the first entity returned in step 1]` */
function renderArguments(step: TrajectoryStep): string {
  const linked = new Map(step.links.map((l) => [l.argument, describeOutputPath(l.outputPath, l.fromTrajectoryStep)]));
  return Object.entries(step.arguments)
    .map(([key, value]) => `${words(key)} ${render(value, key, linked)}`)
    .join(', ');
}

function render(value: JsonValue, path: string, linked: Map<string, string>): string {
  const reference = linked.get(path);
  if (reference) return `[${reference}]`;
  if (Array.isArray(value)) return `[${value.map((item, i) => render(item, `${path}[${i}]`, linked)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as JsonObject).map(([k, v]) => `"${k}": ${render(v, `${path}.${k}`, linked)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}
