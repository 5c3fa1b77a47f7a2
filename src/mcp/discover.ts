import type { DiscoveredTool, JsonSchema } from '../domain.js';
import { SpecError } from './errors.js';
import type { ListedTool, McpSession } from './session.js';
import type { ServerSpec } from './spec.js';
import { isPlainObject } from './spec-fields.js';

/**
 * Names must work as function names in LLM tool-calling APIs (Anthropic and OpenAI both accept
 * `^[a-zA-Z0-9_-]{1,64}$`), since trained models call the tools by these names.
 */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Every tool the server lists, each marked usable or not, with the reason for those that are not. */
export async function discoverTools(session: McpSession, spec: ServerSpec = session.spec): Promise<DiscoveredTool[]> {
  const listed = await session.listTools();
  spec.exclude.forEach((name, i) => {
    if (!listed.some((tool) => tool.name === name)) {
      throw new SpecError(
        `server.exclude[${i}]`,
        `server.exclude[${i}] names "${name}", which server "${spec.name}" does not offer: fix the name or remove it (its tools are ${listed.map((t) => t.name).join(', ')})`,
      );
    }
  });
  spec.setup.forEach((call, i) => {
    if (!listed.some((tool) => tool.name === call.tool)) {
      throw new SpecError(
        `server.setup[${i}].tool`,
        `server.setup[${i}].tool is "${call.tool}", which server "${spec.name}" does not offer: fix the name (${nearestHint(call.tool, listed)}its tools are ${listed.map((t) => t.name).join(', ') || 'none'})`,
      );
    }
  });
  const seen = new Set<string>();
  return listed.map((tool) => {
    const reason = seen.has(tool.name) ? 'another tool of the server has the same name' : skipReason(tool, spec.exclude);
    seen.add(tool.name);
    // taskSupport only decides usability; the store keeps the shared ToolDefinition shape.
    const { taskSupport: _taskSupport, ...definition } = tool;
    return reason === undefined ? { ...definition, usable: true } : { ...definition, usable: false, skipReason: reason };
  });
}

/** "did you mean create_entities? ": the listed name closest to a misspelt one, when one is close. */
function nearestHint(name: string, listed: readonly ListedTool[]): string {
  const scored = listed.map((t) => ({ name: t.name, distance: editDistance(name.toLowerCase(), t.name.toLowerCase()) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? `did you mean "${best.name}"? ` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Why a tool cannot be explored, or undefined when it can. Pure, so each rule is testable alone. */
export function skipReason(tool: ListedTool, exclude: readonly string[]): string | undefined {
  if (exclude.includes(tool.name)) return 'listed in server.exclude';
  if (!TOOL_NAME.test(tool.name)) {
    return `its name "${tool.name}" is not usable as a function name (1-64 letters, digits, _ or -)`;
  }
  if (tool.taskSupport === 'required') return 'it runs only as an MCP task (execution.taskSupport "required"), which plain calls cannot drive';
  const schema = tool.inputSchema;
  if (schema.type !== 'object') return `its input schema is not an object schema (type is ${JSON.stringify(schema.type) ?? 'missing'})`;
  if (schema.properties !== undefined && !isPlainObject(schema.properties)) return 'its input schema has properties that are not an object';
  const ref = unresolvedRef(schema, schema);
  if (ref !== undefined) return `its input schema refers to ${JSON.stringify(ref)}, which does not resolve within the schema`;
  return undefined;
}

/** The first `$ref` in `node` that does not point inside `root`; remote references count as unresolvable offline. */
function unresolvedRef(node: unknown, root: JsonSchema): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const ref = unresolvedRef(item, root);
      if (ref !== undefined) return ref;
    }
    return undefined;
  }
  if (!isPlainObject(node)) return undefined;
  if (typeof node.$ref === 'string' && resolvePointer(root, node.$ref) === undefined) return node.$ref;
  for (const [key, value] of Object.entries(node)) {
    // Examples and defaults are data, not schema: a "$ref" inside them is just a value.
    if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') continue;
    const ref = unresolvedRef(value, root);
    if (ref !== undefined) return ref;
  }
  return undefined;
}

function resolvePointer(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let target: unknown = root;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (pointer === '') return target;
  if (!pointer.startsWith('/')) return undefined;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(target)) target = target[Number(key)];
    else if (isPlainObject(target)) target = target[key];
    else return undefined;
    if (target === undefined) return undefined;
  }
  return target;
}
