import type { CallLink, JsonObject, JsonSchema, JsonValue } from '../domain.js';
import { pick, seededRandom, type Random } from '../random.js';
import { leafName, valuesAt, type FoundValue } from './json-path.js';
import type { PlanRequest, PlannedCall, Planner } from './planner.js';
import { linkFits } from './link-fit.js';
import { synthesizeValue } from './synthesize-value.js';
import { isJsonObject as isObject } from '../json.js';

/** A value an earlier call produced, with where it came from. */
interface Source extends FoundValue {
  step: number;
}

/** Output names too generic to link on by name alone: two `message` fields rarely mean the same thing. */
const GENERIC_NAMES = new Set(['text', 'message', 'content', 'type', 'status', 'description', 'title', 'success', 'error']);

/**
 * The deterministic planner: fills arguments from the sub-DAG's mappings (earlier outputs), then the
 * spec's hints, then the schema (const, enum, default, format, the parameter's name). Every choice is
 * seeded, so a resumed episode plans the same call again.
 */
export class OfflinePlanner implements Planner {
  readonly name = 'offline';

  async planCall(request: PlanRequest): Promise<PlannedCall> {
    const builder = new ArgumentBuilder(request, seededRandom(request.seed));
    const value = builder.build(request.inputSchema, '', '');
    return { arguments: isObject(value) ? value : {}, links: builder.links };
  }
}

class ArgumentBuilder {
  readonly links: CallLink[] = [];

  constructor(
    private readonly request: PlanRequest,
    private readonly random: Random,
  ) {}

  /** `pattern` addresses the schema (`entities[].name`), `path` the concrete argument (`entities[0].name`). */
  build(schema: JsonSchema, pattern: string, path: string, element = 0): JsonValue | undefined {
    const resolved = representative(schema);
    const type = schemaType(resolved);
    if (type === 'object' || type === 'array') {
      // A hint for an object or array parameter is a whole value (`{"data": {…}}`, `{"edits": [{…}]}`),
      // used as it is unless earlier outputs feed something inside it.
      const hinted = pattern === '' ? undefined : this.hint(pattern);
      const whole = type === 'object' ? isObject(hinted) : Array.isArray(hinted);
      if (hinted !== undefined && whole && this.maxLinkedBelow(pattern) === 0) return hinted;
    }
    if (type === 'object') return this.buildObject(resolved, pattern, path, element);
    if (type === 'array') return this.buildArray(resolved, pattern, path);
    return this.leaf(resolved, pattern, path, element);
  }

  private buildObject(schema: JsonSchema, pattern: string, path: string, element: number): JsonObject {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required ?? []) as string[]);
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(properties)) {
      const childPattern = pattern ? `${pattern}.${key}` : key;
      // An optional parameter can change what a call means: sent only when an earlier output feeds
      // it or a hint names it for this very tool (`tool.param`).
      if (!required.has(key) && !this.hasSourceFor(childPattern)) continue;
      const value = this.build(child, childPattern, path ? `${path}.${key}` : key, element);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  private buildArray(schema: JsonSchema, pattern: string, path: string): JsonValue[] {
    const items = representative((schema.items ?? {}) as JsonSchema);
    const itemPattern = `${pattern}[]`;
    const itemType = schemaType(items);
    if (itemType !== 'object' && itemType !== 'array') {
      const linked = this.linkedSources(itemPattern).filter((s) => fitsSchema(s.value, items) && linkFits(s.value, s.path, leafName(pattern), items));
      if (linked.length > 0) {
        return distinct(linked).slice(0, 2).map((source, i) => this.link(`${path}[${i}]`, source));
      }
      const hinted = this.hint(pattern);
      if (Array.isArray(hinted)) return hinted;
    }
    // One element per linked value (at most two) keeps chains alive without inflating the call.
    const count = Math.max(1, Math.min(2, this.maxLinkedBelow(itemPattern)));
    const out: JsonValue[] = [];
    for (let i = 0; i < count; i++) {
      const value = this.build(items, itemPattern, `${path}[${i}]`, i);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  private leaf(schema: JsonSchema, pattern: string, path: string, element: number): JsonValue | undefined {
    if ('const' in schema) return schema.const as JsonValue;
    // A value whose kind does not fit the parameter is no link; the parameter's hint, if any, comes next.
    const linked = distinct(this.linkedSources(pattern).filter((s) => fitsSchema(s.value, schema) && linkFits(s.value, s.path, leafName(pattern), schema)));
    if (linked.length > 0) return this.link(path, linked[element % linked.length]!);
    const hinted = this.hint(pattern);
    if (hinted !== undefined && !Array.isArray(hinted)) return hinted;
    return synthesizeValue(schema, leafName(pattern), this.random, element);
  }

  private link(argument: string, source: Source): JsonValue {
    this.links.push({ argument, fromStep: source.step, outputPath: source.path, value: source.value });
    return source.value;
  }

  /** Values for a parameter: from the sub-DAG's mappings first, else from an earlier output field of the same name. */
  private linkedSources(pattern: string): Source[] {
    const mapped = this.request.incoming
      .filter((m) => m.input === pattern)
      .flatMap((m) => this.outputsOf(m.from, m.output));
    if (mapped.length > 0) return mapped;
    const name = leafName(pattern);
    if (!name || GENERIC_NAMES.has(name.toLowerCase())) return [];
    return this.request.earlier
      .filter((call) => !call.isError)
      .reverse()
      .flatMap((call) => sameNamedLeaves(call.output, name).map((found) => ({ ...found, step: call.step })));
  }

  private outputsOf(tool: string, outputPattern: string): Source[] {
    const call = [...this.request.earlier].reverse().find((c) => c.tool === tool && !c.isError);
    if (!call) return [];
    return valuesAt(call.output, outputPattern)
      .filter((found) => found.value !== null && typeof found.value !== 'object')
      .map((found) => ({ ...found, step: call.step }));
  }

  private hasSourceFor(pattern: string): boolean {
    return this.maxLinkedBelow(pattern) > 0 || this.request.hints[`${this.request.tool}.${pattern}`] !== undefined;
  }

  /** How many linked values reach the deepest mapped leaf under a pattern. */
  private maxLinkedBelow(pattern: string): number {
    let most = 0;
    for (const mapping of this.request.incoming) {
      if (mapping.input === pattern || mapping.input.startsWith(`${pattern}.`) || mapping.input.startsWith(`${pattern}[]`)) {
        most = Math.max(most, distinct(this.outputsOf(mapping.from, mapping.output)).length);
      }
    }
    return most;
  }

  /** Hints for this tool's parameter (`read_text_file.path`) win over hints for any tool's (`path`). */
  private hint(pattern: string): JsonValue | undefined {
    const { hints, tool } = this.request;
    const options = hints[`${tool}.${pattern}`] ?? hints[pattern] ?? hints[`${tool}.${leafName(pattern)}`] ?? hints[leafName(pattern)];
    return options && options.length > 0 ? pick(this.random, options) : undefined;
  }
}

function sameNamedLeaves(output: JsonValue, name: string): FoundValue[] {
  const found: FoundValue[] = [];
  const visit = (value: JsonValue, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`));
    else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key === name && item !== null && typeof item !== 'object') found.push({ path: childPath, value: item });
        else visit(item, childPath);
      }
    }
  };
  visit(output, '');
  return found;
}

function distinct(sources: Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = JSON.stringify(s.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The branch of an anyOf/oneOf to plan for: the first that is not null. */
function representative(schema: JsonSchema): JsonSchema {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (!Array.isArray(options) || options.length === 0) return schema;
  const chosen = options.find((o) => schemaType(o) !== 'null') ?? options[0]!;
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  return representative({ ...rest, ...chosen });
}

export function schemaType(schema: JsonSchema): string {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') as string | undefined) ?? 'null';
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return typeof schema.enum[0];
  return 'string';
}

function fitsSchema(value: JsonValue, schema: JsonSchema): boolean {
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  const type = schemaType(schema);
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'string') return typeof value === 'string';
  return true;
}

