import type { DiscoveredTool, RecordedCall, SubDag, ToolProfile, VolatilePath } from '../domain.js';
import { inputFields, outputFieldsFromSchema, outputFieldsFromValue } from '../graph/schema-fields.js';
import { outputValue } from '../mcp/output.js';
import type { RepeatableStep } from './reexecute.js';

/** The index of the probe episode: one call of every tool, to learn what outputs really contain. */
export const PROBE_INDEX = -1;

/**
 * The probe's calls as a sequence to make again on a fresh sandbox (live-repeat): the same
 * arguments, and each link fed from the repeat's own earlier output.
 */
export function probeRepeatSteps(probeCalls: RecordedCall[]): RepeatableStep[] {
  const explored = probeCalls.filter((c) => c.phase === 'explore');
  const position = new Map(explored.map((c, i) => [c.step, i]));
  return explored.map((c) => ({
    tool: c.tool,
    arguments: c.arguments,
    links: c.links.flatMap((l) => (position.has(l.fromStep) ? [{ argument: l.argument, fromStep: position.get(l.fromStep)!, outputPath: l.outputPath }] : [])),
  }));
}

/**
 * The probe calls every usable tool once, in an order that lets earlier outputs feed later inputs
 * (tools needing fewer inputs first) and keeps destructive tools for last, so they do not wipe the
 * state the others read.
 */
export function probeSubDag(tools: DiscoveredTool[]): SubDag {
  const order = tools
    .filter((t) => t.usable)
    .map((t) => ({ name: t.name, destructive: t.annotations?.destructiveHint === true, required: requiredCount(t) }))
    .sort((a, b) => Number(a.destructive) - Number(b.destructive) || a.required - b.required || a.name.localeCompare(b.name))
    .map((t) => t.name);
  return { index: PROBE_INDEX, key: 'probe', tools: order, edges: [], shape: order.length === 1 ? 'single' : 'chain' };
}

/**
 * A tool's inputs from its schema; its outputs from the declared schema and what its probe call
 * returned; the output paths found volatile, when the probe was repeated (explore/volatile.ts).
 */
export function profileTools(tools: DiscoveredTool[], probeCalls: RecordedCall[], volatile: ReadonlyMap<string, VolatilePath[]> = new Map()): ToolProfile[] {
  return tools
    .filter((t) => t.usable)
    .map((tool) => {
      const observed = probeCalls.filter((c) => c.tool === tool.name && c.phase === 'explore' && !c.isError);
      const outputs = [
        ...(tool.outputSchema ? outputFieldsFromSchema(tool.outputSchema) : []),
        ...observed.flatMap((c) => outputFieldsFromValue(outputValue(c.result))),
      ];
      return {
        name: tool.name,
        description: tool.description,
        inputs: inputFields(tool.inputSchema),
        outputs: mergeByPath(outputs),
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
        ...(volatile.get(tool.name)?.length ? { volatile: volatile.get(tool.name)! } : {}),
      };
    });
}

/**
 * One descriptor per path: the declared one, with an observed example where there is one. A container
 * seen empty (`relations: []`) is dropped where the declared schema already describes its contents.
 */
function mergeByPath(fields: ToolProfile['outputs']): ToolProfile['outputs'] {
  const byPath = new Map<string, ToolProfile['outputs'][number]>();
  for (const field of fields) {
    const known = byPath.get(field.path);
    byPath.set(field.path, known ? { ...known, ...(known.example === undefined && field.example !== undefined ? { example: field.example } : {}) } : field);
  }
  const merged = [...byPath.values()];
  const shadowed = (f: (typeof merged)[number]) =>
    (f.type === 'array' || f.type === 'object') && merged.some((o) => o.path.startsWith(`${f.path}[]`) || o.path.startsWith(`${f.path}.`));
  return merged.filter((f) => !shadowed(f));
}

function requiredCount(tool: DiscoveredTool): number {
  const required = tool.inputSchema.required;
  return Array.isArray(required) ? required.length : 0;
}
