/**
 * What the LLM explorer is told. The system prompt is the same for every episode of every run, so
 * that it and the tool definitions are a prefix the provider can cache; everything that varies (the
 * sub-DAG's tools, their edges, the server's example values, the budget) is in the instruction.
 */
import type { JsonValue, SubDag } from '../../domain.js';
import { truncate } from './tool-result-text.js';
import { offerTools, type AgentTool } from './offered-tools.js';

export const EXPLORER_SYSTEM = [
  'You explore the tools of a live server so that their real behaviour can be recorded and later turned into tasks.',
  'You are given a few tools, the order to call them in, and how an output of one can feed an input of another.',
  'Call every listed tool at least once, in the order given, with realistic arguments.',
  'Whenever an input can take a value an earlier call returned (a name, an id, a path), copy that value exactly from the earlier output:',
  'chaining real outputs into later inputs is the point of the exploration, so never invent a value an earlier output gives you.',
  'If a call fails, read the error and call the tool again with corrected arguments.',
  'A path may begin with ${sandbox}, the server\'s working directory: keep that placeholder as it is.',
  'A value shown as [REDACTED] is hidden from you: never pass it on.',
  'When every listed tool has succeeded at least once, stop calling tools and reply with one short sentence.',
].join(' ');

export interface ExplorerBrief {
  /** The sub-DAG's tools in its order (every edge goes from an earlier to a later one). */
  tools: readonly AgentTool[];
  edges: SubDag['edges'];
  /** Example values per parameter, from the server spec. */
  hints: Record<string, JsonValue[]>;
  /** Tool calls left for the episode. */
  maxSteps: number;
}

/** Example values shown at most, and characters of each. */
const MAX_HINTS = 24;
const MAX_HINT_CHARS = 200;

/** The names the model knows the tools by: offered names, which MCP names are not always. */
function offeredNames(tools: readonly AgentTool[]): Map<string, string> {
  const offered = offerTools(tools);
  return new Map(offered.llmTools.map((t) => [offered.mcpName(t.name)!, t.name]));
}

export function explorerInstruction(brief: ExplorerBrief): string {
  const names = offeredNames(brief.tools);
  const nameOf = (tool: string) => names.get(tool) ?? tool;
  const lines = [
    'Explore these tools, in this order; each must succeed at least once:',
    ...brief.tools.map((tool, i) => `${i + 1}. ${nameOf(tool.name)}`),
    '',
  ];
  const mapped = brief.edges.filter((e) => names.has(e.from) && names.has(e.to));
  if (mapped.length > 0) {
    lines.push('How outputs feed inputs (pass the real value from the earlier output):');
    for (const edge of mapped) {
      const mappings = edge.mappings.map((m) => `output \`${m.output}\` → input \`${m.input}\``).join('; ');
      lines.push(`- ${nameOf(edge.from)} → ${nameOf(edge.to)}: ${mappings || 'an output can feed an input'} (${edge.confidence} confidence)`);
    }
  } else {
    lines.push('These tools are not known to feed each other; still reuse any returned value that fits an input.');
  }
  const hints = Object.entries(brief.hints).slice(0, MAX_HINTS);
  if (hints.length > 0) {
    lines.push('', 'Values that exist on this server, for inputs no earlier output provides:');
    for (const [name, values] of hints) lines.push(`- ${name}: ${values.map((v) => truncate(JSON.stringify(v), MAX_HINT_CHARS)).join(', ')}`);
  }
  lines.push('', `You may make at most ${brief.maxSteps} tool calls.`);
  return lines.join('\n');
}

/** Said once to a model that stops before every tool has succeeded; nothing when all have. */
export function explorerNudge(tools: readonly AgentTool[], uncovered: readonly string[]): string | undefined {
  if (uncovered.length === 0) return undefined;
  const names = offeredNames(tools);
  return (
    `These tools have not succeeded yet: ${uncovered.map((tool) => names.get(tool) ?? tool).join(', ')}. ` +
    'Call each of them, correcting any call that failed, before you stop. If one cannot succeed, say why in one sentence.'
  );
}
