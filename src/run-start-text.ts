import type { GenerateServerDatasetInput } from './api.js';

/**
 * The one line the Web UI shows at the top of a run's page, from its input: server, sub-DAG count,
 * seed and planner (`memory · 12 sub-DAGs · seed 1 · offline planner`).
 */
export function runStaticSummary(input: GenerateServerDatasetInput): string {
  return [serverName(input), `${input.subDagCount ?? 12} sub-DAGs`, `seed ${input.seed ?? 1}`, plannerName(input)].join(' · ');
}

/** The run's input as the Web UI's details show it (markdown), secrets left out: only names and counts. */
export function runStaticDetails(input: GenerateServerDatasetInput): string {
  const rows: Array<[string, unknown]> = [
    ['server', serverName(input)],
    ['sub-DAGs', input.subDagCount ?? 12],
    ['seed', input.seed ?? 1],
    ['planner', plannerName(input)],
    ['children at once', input.maxConcurrentExplorations ?? 4],
    ['children per history', input.explorationsPerHistory ?? 100],
    ['destructive tools', input.allowDestructive === undefined ? 'as the policy says (refused by default)' : input.allowDestructive ? 'allowed' : 'refused'],
    ['policy', input.policyFile ?? (input.policy ? 'inline' : 'none')],
    ...(input.extend ? ([['extend', 'yes']] as Array<[string, unknown]>) : []),
  ];
  return ['**FireFly dataset generation**', '', '| input | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${String(v)} |`)].join('\n');
}

function serverName(input: GenerateServerDatasetInput): string {
  const name = (input.server as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'server';
}

/** What the input asks for; with no `llm`, the worker decides (offline unless it has ANTHROPIC_API_KEY). */
function plannerName(input: GenerateServerDatasetInput): string {
  const llm = input.llm as { provider?: unknown; model?: unknown } | undefined;
  if (!llm || typeof llm.provider !== 'string') return "worker's default planner";
  if (llm.provider === 'offline') return 'offline planner';
  return typeof llm.model === 'string' ? `${llm.provider} ${llm.model}` : `${llm.provider} models`;
}
