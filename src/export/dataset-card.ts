import { perItem, totalTokens } from '../llm/usage-ledger.js';
import { AGENT_WORKSPACE } from '../explore/sandbox-paths.js';
import { DATASET_CONFIGS, DATASET_FILES } from './dataset-files.js';
import { REWARD_SPEC } from './rl-row.js';
import type { DatasetCounts, ExportInput, SkippedTask } from './types.js';
import { methodFiguresSection, type MethodFigures } from './method-figures.js';
import { toYaml } from './yaml.js';

/** What the card needs to know; no clock, so the card is as reproducible as the data. */
export interface CardInput {
  run: ExportInput['run'];
  models?: ExportInput['models'];
  pipelineVersion: string;
  counts: DatasetCounts;
  skipped: SkippedTask[];
  hasSimulatorDoc: boolean;
  /** Whether the dataset has report.html. */
  hasReport?: boolean;
  reliability?: ExportInput['reliability'];
  figures: MethodFigures;
}

/** README.md: a Hugging Face dataset card (YAML header with one config per JSONL file) and the column schemas. */
export function datasetCard(input: CardInput): string {
  return `---\n${toYaml(header(input))}---\n\n${body(input)}`;
}

function header({ run, counts }: CardInput) {
  return {
    pretty_name: `FireFly tool-calling tasks: ${run.server}`,
    // The answers are observations of a third-party server: its terms, not ours, govern them.
    license: 'other',
    language: ['en'],
    task_categories: ['text-generation', 'question-answering'],
    tags: ['tool-calling', 'function-calling', 'mcp', 'agents', 'synthetic', 'verified', 'firefly', ...(run.servers ?? [run.server]).map((s) => `mcp-server-${s}`)],
    size_categories: [sizeCategory(counts.tasks)],
    configs: DATASET_CONFIGS.map((c) => ({ config_name: c.configName, data_files: [{ split: 'train', path: c.file }] })),
  };
}

function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  return '1M<n<10M';
}

/** Which models wrote the data and what it cost, or that no model was used. */
function modelsLine(models: CardInput['models'], tasks: number): string {
  if (!models) return 'No language model was used: every stage ran its offline, deterministic implementation.';
  const stages = Object.entries(models.stages).map(([stage, model]) => `${stage} \`${model}\``).join(', ');
  const { total } = models.usage;
  const perTask = perItem(total, tasks);
  const perTaskText = perTask ? ` ($${perTask.costUsd.toFixed(4)} per verified task)` : '';
  return `Models (${models.provider}): ${stages}. They used ${total.calls} requests and ${totalTokens(total)} tokens, $${total.costUsd.toFixed(4)}${perTaskText}.`;
}

/** What the run found that does not hold: volatile outputs (never answers) and broken tools. */
function reliabilitySection(reliability: CardInput['reliability']): string {
  if (!reliability) return '';
  const { volatile, broken, stable } = reliability;
  const volatileText = volatile.length === 0
    ? 'No output was found volatile: every tool gave the same values when its probe call was made again on a fresh sandbox.'
    : `These outputs changed when the same call was made again on a fresh sandbox (\`changed\`), or hold a date or time of the run (\`clock\`). No answer is read from them.\n\n| tool | output path | why |\n|---|---|---|\n${volatile.map((v) => `| \`${v.tool}\` | \`${v.path}\` | ${v.reason} |`).join('\n')}`;
  const brokenText = broken.length === 0
    ? ''
    : `\n\nThese tools failed on every call, in the probe and in every episode that called them: no task uses them.\n\n| tool | calls | last reply |\n|---|---|---|\n${broken.map((b) => `| \`${b.tool}\` | ${b.calls} | ${b.lastError.replace(/\|/g, '\\|')} |`).join('\n')}`;
  return `\n## What does not hold\n\n${volatileText}${brokenText}\n\nThe \`stable\` check executed ${stable.trajectories} distinct reference trajectories again on fresh live instances of the server (${stable.rounds} executions, ${stable.calls} live calls).\n`;
}

/** How many tasks each reward hack took out, as the card states it. */
function integrityLine(skipped: SkippedTask[]): string {
  const byHack = new Map<string, number>();
  for (const { reason } of skipped) {
    const hack = /^reward integrity: (\S+)/.exec(reason)?.[1];
    if (hack) byHack.set(hack, (byHack.get(hack) ?? 0) + 1);
  }
  return byHack.size === 0 ? ' (none was)' : ` (${[...byHack].map(([hack, n]) => `${hack}: ${n}`).join(', ')})`;
}

function body({ run, models, pipelineVersion, counts, skipped, hasSimulatorDoc, hasReport, reliability, figures }: CardInput): string {
  const F = DATASET_FILES;
  const rejected = Object.entries(counts.rejectedByCheck);
  return `# FireFly tool-calling tasks: \`${run.server}\`

Verified tool-calling tasks generated from ${run.servers ? `the ${run.servers.length} real MCP servers of a fleet (${run.servers.map((s) => `\`${s}\``).join(', ')}), and across them,` : `the real MCP server \`${run.server}\``} by FireFly-TS ${pipelineVersion}
(run \`${run.runId}\`). The servers' tools were explored on fresh sandboxed instances and every call
was recorded; each task was then written backward from recorded results, so its answer was observed
on the real server. Planner: \`${run.planner}\`. Synthesizer: \`${run.synthesizer}\`. Judge: \`${run.judge ?? 'none (deterministic checks only)'}\`.
${modelsLine(models, counts.tasks)}

## Counts

| figure | value |
|---|---|
| candidate tasks synthesized | ${counts.candidates} |
| candidates rejected (failed at least one check) | ${counts.rejectedCandidates} |
| verified tasks exported | ${counts.tasks} |
| verified tasks not exported (see manifest.json \`skipped\`) | ${counts.skipped} |
| reference trajectories | ${counts.trajectories} |
| tool calls | ${counts.toolCalls} |
| mean calls per task | ${counts.meanCallsPerTask} |
| share of tasks with 3 or more calls | ${counts.shareWithThreeOrMoreCalls} |
| difficulty easy / medium / hard | ${counts.difficulty.easy} / ${counts.difficulty.medium} / ${counts.difficulty.hard} |

## Files

| file | what it holds |
|---|---|
| \`${F.tasks}\` | one task per line: instruction, answer schema, ground truth with sources, reference trajectory, provenance |
| \`${F.sftOpenai}\` | supervised fine-tuning rows, OpenAI chat format |
| \`${F.sftAnthropic}\` | supervised fine-tuning rows, Anthropic Messages format |
| \`${F.rl}\` | RL prompts in verl's row format, with the reward's ground truth |
| \`${F.rlParquet}\` | the same RL rows as parquet |
| \`${F.simulator}\` | the simulator cache: every recorded call, for offline replay${hasSimulatorDoc ? ` (tables described in \`${F.simulatorDoc}\`)` : ''} |
| \`${F.manifest}\` | counts, rejections per check, sha256 and line count of every file |${hasReport ? `\n| \`${F.report}\` | the run's figures in one page that opens offline: tool graph and coverage, funnel, rejections, distributions, calls per tool, the task list |` : ''}

Row *i* of the four JSONL files is the same task, and a call has the same id in all of them.

## Column schemas

### \`${F.tasks}\`

| column | type | meaning |
|---|---|---|
| \`id\` | string | stable task id |
| \`split\` | string | \`train\` or \`test\` (no instruction or tool sequence is in both) |
| \`instruction\` | string | the task as given to the agent |
| \`tools[]\` | list | the tools offered to the agent (every usable tool of each server the task uses): \`name\` (offered), \`server\`, \`tool\` (its name on that server) |
| \`answer_schema\` | JSON text | an object with one property per answer field |
| \`answer\` | JSON text | the expected answer, field → value |
| \`ground_truth[]\` | list | \`field\`, \`value\` (JSON text), \`source.trajectory_step\` (index into \`trajectory\`), \`source.path\` (path into that call's output) |
| \`answer_template\` | string | one sentence with \`{field}\` slots |
| \`difficulty\` | string | \`easy\`, \`medium\` or \`hard\` |
| \`trajectory[]\` | list | the reference calls: \`call_id\`, \`tool\` (offered name), \`server\`, \`arguments\` (JSON text of an object), \`result\` (JSON text of the MCP CallToolResult as recorded), \`is_error\`, \`links[]\` (\`argument\` ← \`from_trajectory_step\`.\`output_path\`), \`recorded\` (\`sub_dag\`, \`step\` in the simulator cache) |
| \`simulator.start_state\` | string | the simulator state an episode of this task starts in (after its servers' setup calls) |
| \`provenance\` | object | \`run_id\`, \`servers\`, \`cross_server\` (\`linked\`: a value passes from one server's output into another's call; \`unlinked\`: several servers, nothing passed; null: one server), \`sub_dag\`, \`synthesizer\`, \`planner\` |

*JSON text* is a string holding JSON: values whose shape depends on the task or tool are stored so,
as Toucan and xLAM do, so that every row of every server has one schema (\`json.loads\` gives the
object back).

A call's *output*, which \`source.path\` addresses, is its result's \`structuredContent\` when present;
otherwise its content: a single text block parsed as JSON (or \`{"text": …}\` when it is not JSON),
several blocks as a list. Paths look like \`entities[0].name\`; one may end in \`#number[k]\` (the k-th
number written in the text there: an answer stated in a sentence) or \`#line[k]\` (its k-th non-blank line).

### \`${F.sftOpenai}\`

| column | type | meaning |
|---|---|---|
| \`messages\` | list | \`system\`, \`user\`, then per call an \`assistant\` message with one \`tool_calls[]\` entry (\`id\`, \`type: "function"\`, \`function.name\`, \`function.arguments\` as a JSON **string**) and a \`tool\` message (\`tool_call_id\`, \`content\` string); last, the \`assistant\` answer. Assistant messages carry \`weight: 1\`. |
| \`tools\` | list | \`{"type": "function", "function": {"name", "description", "parameters"}}\` |

### \`${F.sftAnthropic}\`

| column | type | meaning |
|---|---|---|
| \`system\` | string | the system prompt |
| \`tools\` | list | \`{"name", "description", "input_schema"}\` |
| \`messages\` | list | \`user\` instruction; per call an \`assistant\` message with a \`tool_use\` block (\`id\`, \`name\`, \`input\` as an **object**) and a \`user\` message starting with the matching \`tool_result\` block (\`tool_use_id\`, \`content\` string, \`is_error\`); last, the \`assistant\` answer |

### \`${F.rl}\`

| column | type | meaning |
|---|---|---|
| \`data_source\` | string | \`firefly/<server>\` (servers joined by \`+\` for a task spanning several) |
| \`agent_name\` | string | \`tool_agent\`: verl's multi-turn tool-calling agent loop |
| \`prompt\` | list | chat messages: \`system\`, \`user\` |
| \`ability\` | string | \`tool-use\` |
| \`reward_model\` | object | \`style: "rule"\`, \`ground_truth\`: the answer object as a JSON **string** |
| \`extra_info\` | object | \`task_id\`, \`split\`, \`index\`, \`servers\`, \`answer_schema\` (JSON text), \`tools\` (OpenAI function list, each \`parameters\` as JSON text), \`reward\` |

\`${F.rlParquet}\` holds the same rows as parquet (verl reads parquet), with one fixed schema in every
dataset, so the files of several datasets concatenate.

Tool results in the chat formats are strings: structured output serialised as JSON, otherwise the
text blocks joined (binary blocks summarised without their data). The final answer is the filled
answer template, a blank line, then the answer object as JSON.

## How the answers were verified

Every task's answer values were read from recorded results of real calls. Deterministic checks ran
on every candidate: each value is found at its recorded source (\`grounded\`), the reference
trajectory replays to the same answer in the simulator (\`replayable\`), the instruction does not
leak the answer (\`no-leakage\`), every input the task needs is given or obtainable
(\`inputs-available\`), the task is not trivial (\`non-trivial\`), no answer is its call's own argument handed
back (\`load-bearing\`), every text answer is clean text (\`clean-text\`), each answer's wording fits one value
(\`unambiguous\`) and the task is not a duplicate (\`no-duplicate\`); then its reference trajectory was
executed again, twice, on fresh live instances of the server (the second under a clock 400 days ahead in
another time zone, where the worker has libfaketime), and every answer had to come out the same (\`stable\`)${run.judge ? `; then the LLM judge \`${run.judge}\` (\`llm-judge\`)` : ''}. A task is exported only if it passed all of them,
and only if every reference call's arguments validate against its tool's input schema.

${rejected.length === 0 ? 'No candidate failed a check.' : `Failed checks (a candidate can fail several):\n\n| check | failed |\n|---|---|\n${rejected.map(([check, n]) => `| \`${check}\` | ${n} |`).join('\n')}`}
${skipped.length === 0 ? '' : `\n${skipped.length} verified task(s) were not exported; manifest.json lists each with the reason.\n`}${reliabilitySection(reliability)}${methodFiguresSection(figures)}
## Reward

In the environment (\`npm run serve-env -- --dataset DIR\`), an episode earns 1 only when every answer
field matches, after normalising ${REWARD_SPEC.normalisation}, *and* its end state is the
reference's: the same state-changing calls (to tools not annotated read-only, not refused by the
server), no fewer and no more, in any order the recording can answer. Skipping an instructed write,
writing elsewhere or writing more earns 0. \`submit\` takes the answer object as \`answer\` and tells
the agent only that the episode is over; the reward and per-field detail go to the trainer.
Every task left in this dataset passed the reward-integrity check (\`manifest.json\`
\`reward_integrity\`); tasks that a hack earned reward on are listed under \`skipped\`${integrityLine(skipped)}.

\`${F.rl}\`'s rule reward (\`${REWARD_SPEC.type}\`, \`reward_model.ground_truth\`) can compare the answer
only: extract the last JSON object of the final message. Train through the environment to reward
the work as well as the answer.

## Tool names, call ids and the sandbox

- Tool names are sanitised to identifiers, \`^[A-Za-z_][A-Za-z0-9_]{0,63}$\`; \`tools[]\` in \`${F.tasks}\` gives each one's server
  and own name there. Two tools that would sanitise to the same name get distinct names with a hash suffix.
  In a dataset of several servers every name is \`<server>__<tool>\`: the double underscore, which OpenAI,
  Anthropic and chat templates all accept, is the separator MCP clients use to keep servers' tools apart.
- Call ids are 9 alphanumeric characters derived from the task id and the step, identical across files.
- Every path under the server's sandbox directory is written under \`${AGENT_WORKSPACE}\` (instructions, arguments,
  results, tool descriptions, prompts): one stable root, never a machine's path or a placeholder. The simulator and
  the environment take \`${AGENT_WORKSPACE}/…\` as the agent writes it; against a live server, that root is the
  server's own directory.

## Replay with the simulator

\`${F.simulator}\` holds every recorded call of the run. Replay an agent offline with FireFly-TS:
\`npm run simulate -- --dataset DIR\`, or with any SQLite reader${hasSimulatorDoc ? ` using the tables described in \`${F.simulatorDoc}\`` : ''}.
Exact matches (the same call in the same episode state) return the recorded result; by default
anything else is answered \`none\` (\`--policy lenient\` retrieves the nearest recorded call of the
same tool), and every answer says which (provenance: exact, retrieved, generated or none).
\`npm run serve-env -- --dataset DIR\` serves the tasks as an RL environment (Open Reward Standard,
per-episode MCP); \`manifest.json\` records the reward-integrity check.
`;
}
