import { createHash } from 'node:crypto';
import { ownToolName } from '../mcp/composite-spec.js';
import type { JsonObject, JsonValue, ToolDefinition, TrajectoryStep } from '../domain.js';
import type { AnswerField } from './answer-fields.js';
import { describeOutputPath } from './describe-path.js';
import { words } from './words.js';

/**
 * The instruction's body: an opening that names the service, then one short numbered request per
 * trajectory step, with every value a user would know written out and every value the agent must
 * discover referred to by where it comes from. A step is phrased as a person would ask for it:
 * the tool's own verb and object, never a pasted description.
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
  const where = members.length > 0 ? listed(members) : server;
  return [opening(where, members.length > 1, trajectory), ...steps].join('\n');
}

/** Openings a person might use; the task's own calls pick one, so a dataset's tasks do not all start alike. */
const OPENINGS: ReadonlyArray<(where: string, several: boolean) => string> = [
  (where, several) => `Using the ${where} ${several ? 'services' : 'service'}:`,
  (where) => `On ${where}, please:`,
  (where, several) => `I need a few things done with ${several ? '' : 'the '}${where}${several ? '' : ' service'}:`,
  (where) => `Please do this in ${where}:`,
  (where, several) => `With the ${where} ${several ? 'tools' : 'tool'}:`,
];

function opening(where: string, several: boolean, trajectory: TrajectoryStep[]): string {
  const digest = createHash('sha256').update(JSON.stringify(trajectory.map((s) => [s.tool, s.arguments]))).digest();
  return OPENINGS[digest[0]! % OPENINGS.length]!(where, several);
}

/** "a", "a and b", "a, b and c" */
function listed(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0] ?? '';
}

/**
 * The closing request: the values to report, grouped by what holds them ("the task's id and title
 * from step 2"). The answer's field names are in its schema, beside the instruction.
 */
export function answerRequest(fields: AnswerField[]): string {
  const groups = new Map<string, { owner?: string; step?: string; leaves: string[] }>();
  for (const { description } of fields) {
    const { leaf, owner, step } = partsOf(description);
    const key = step === undefined ? description : `${owner ?? leaf}\0${step}`;
    const group = groups.get(key) ?? groups.set(key, { ...(owner ? { owner } : {}), ...(step ? { step } : {}), leaves: [] }).get(key)!;
    group.leaves.push(leaf);
  }
  return `Then report ${listed([...groups.values()].map(({ owner, step, leaves }) => pointer(listed(leaves), owner, step)))}.`;
}

/** How a person points at a value: "the name of the first entity returned in step 1" → "the first entity's name from step 1". */
function reference(description: string): string {
  const { leaf, owner, step } = partsOf(description);
  return pointer(leaf, owner, step);
}

function pointer(leaf: string, owner: string | undefined, step: string | undefined): string {
  if (step === undefined) return leaf;
  return `the ${owner ? `${owner}'s ` : ''}${leaf} from step ${step}`;
}

/** "the name of the first entity returned in step 1" → leaf "name", owner "first entity", step "1"; a description of another shape is its own leaf. */
function partsOf(description: string): { leaf: string; owner?: string; step?: string } {
  const owned = /^the (.+?) of the ((?:(?! of the ).)+) returned in step (\d+)$/.exec(description);
  if (owned) return { leaf: owned[1]!, owner: owned[2]!, step: owned[3]! };
  const plain = /^the (.+) returned in step (\d+)$/.exec(description);
  return plain ? { leaf: plain[1]!, step: plain[2]! } : { leaf: description };
}

/** "The entity type is {entityType} and the name is {name}." */
export function answerTemplate(fields: AnswerField[]): string {
  const parts = fields.map((f) => `the ${words(f.field.replace(/\d+$/, ''))} is {${f.field}}`);
  const sentence = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** The longest share of a description a step may take: a clause, never a pasted paragraph. */
const MAX_PHRASE = 36;

/**
 * How a step asks for its call: the first clause of the tool's description when it opens with a
 * verb and is short ("Create multiple new entities"), else the tool's name in words ("Get next
 * task"). Implementation notes, conditions and qualifiers are dropped.
 */
function actionPhrase(tool: ToolDefinition | undefined, name: string, toolNames: string[]): string {
  // A composite's tool is named after its server too; the step names the server already.
  const own = words(ownToolName({ name, ...(tool?.server ? { server: tool.server } : {}) }));
  const clause = shortClause(tool?.description ?? '');
  let phrase = clause ?? own;
  // Descriptions sometimes name other tools; an instruction never does.
  for (const other of toolNames) phrase = phrase.split(other).join(words(other));
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** Words that open a description without being its verb ("This tool …", "Given a …", "A list of …"). */
const NOT_A_VERB = new Set(['a', 'an', 'the', 'this', 'these', 'it', 'its', 'you', 'your', 'given', 'if', 'when', 'use', 'used', 'tool', 'only', 'please', 'note', 'important']);

/**
 * The description's opening clause, cut at its first stop, bracket or dash, then (while longer than
 * MAX_PHRASE) at a qualifying word ("from", "with", "in", …) and at "and"; undefined when what is
 * left is not a short request that opens with a verb.
 */
function shortClause(description: string): string | undefined {
  let clause = (description.split(/[.;:,!?()\[\]\n`"]|\s[-–—]\s/)[0] ?? '').trim();
  for (const cut of [QUALIFIER, CONJUNCTION]) if (clause.length > MAX_PHRASE) clause = longestFittingPrefix(clause, cut) ?? clause;
  const [first = '', ...rest] = clause.split(/\s+/);
  if (clause.length < 8 || clause.length > MAX_PHRASE || rest.length === 0 || NOT_A_VERB.has(first.toLowerCase()) || !/^[A-Za-z]+$/.test(first)) return undefined;
  return [baseForm(first), ...rest].join(' ');
}

const QUALIFIER = /\s(?:from|with|in|into|on|at|as|using|by|for|if|when|that|which|including|without|via|based on|after|before|to)\s/gi;
const CONJUNCTION = /\s(?:and|or)\s/gi;

/** The longest part of a clause before one of the words that fits MAX_PHRASE and keeps a verb and its object. */
function longestFittingPrefix(clause: string, words: RegExp): string | undefined {
  const prefixes = [...clause.matchAll(words)].map((m) => clause.slice(0, m.index).trim());
  return prefixes.filter((p) => p.length <= MAX_PHRASE && p.includes(' ')).at(-1);
}

/** "Creates" → "Create", "Searches" → "Search": a description's third person as a request. */
function baseForm(word: string): string {
  if (word.length <= 3 || !/s$/i.test(word) || /ss$/i.test(word)) return word;
  return /(ch|sh|x|ss)es$/i.test(word) ? word.slice(0, -2) : word.slice(0, -1);
}

/** `entities [{"name": "Ada"}], names [the name of the first entity returned in step 1]` */
function renderArguments(step: TrajectoryStep): string {
  const linked = new Map(step.links.map((l) => [l.argument, reference(describeOutputPath(l.outputPath, l.fromTrajectoryStep))]));
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
