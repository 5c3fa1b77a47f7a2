/**
 * Reads a generated CallToolResult strictly, so that what the simulator serves is one an MCP
 * client accepts: every content block well-formed for its type, and, for a tool that declares an
 * output schema, structuredContent that fits it (the SDK client refuses a result without it).
 * Anything else is an unusable answer, asked for again once.
 */
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonObject, JsonSchema } from '../../domain.js';
import { isJsonObject } from '../../json.js';
import type { Parsed } from './forced-call.js';
import { CONTENT_TYPES } from './response-generation-prompt.js';

export interface GeneratedResult {
  /** The CallToolResult: content, structuredContent when given, and `isError: true` when it failed. */
  result: JsonObject;
  isError: boolean;
}

/** Why structured content does not fit the output schema, or undefined when it does. */
export type StructuredCheck = (structured: JsonObject) => string | undefined;

export function parseGeneratedResult(args: JsonObject, checkStructured?: StructuredCheck): Parsed<GeneratedResult> {
  const { content, isError, structuredContent } = args;
  if (!Array.isArray(content) || content.length === 0) return { ok: false, reason: 'content must be a non-empty array of content blocks' };
  for (const [i, block] of content.entries()) {
    const problem = blockProblem(block);
    if (problem) return { ok: false, reason: `content[${i}] ${problem}` };
  }
  if (typeof isError !== 'boolean') return { ok: false, reason: `isError must be true or false, got ${JSON.stringify(isError ?? null)}` };
  if (structuredContent !== undefined && !isJsonObject(structuredContent)) return { ok: false, reason: 'structuredContent must be an object when given' };
  if (checkStructured && !isError) {
    if (structuredContent === undefined) return { ok: false, reason: 'structuredContent is missing: the tool declares an output schema' };
    const problem = checkStructured(structuredContent);
    if (problem) return { ok: false, reason: `structuredContent does not fit the output schema: ${problem}` };
  }
  const result: JsonObject = { content, ...(structuredContent === undefined ? {} : { structuredContent }), ...(isError ? { isError: true } : {}) };
  const checked = CallToolResultSchema.safeParse(result);
  if (!checked.success) return { ok: false, reason: `not a CallToolResult: ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { ok: true, value: { result, isError } };
}

function blockProblem(block: unknown): string | undefined {
  if (!isJsonObject(block as JsonObject)) return 'must be an object';
  const b = block as JsonObject;
  const strings = (...fields: string[]) => fields.find((f) => typeof b[f] !== 'string');
  switch (b.type) {
    case 'text':
      return strings('text') && 'needs text (a string)';
    case 'image':
    case 'audio':
      return strings('data', 'mimeType') && `(${b.type}) needs data and mimeType (strings)`;
    case 'resource': {
      const resource = b.resource;
      return isJsonObject(resource) && typeof resource.uri === 'string' && (typeof resource.text === 'string' || typeof resource.blob === 'string')
        ? undefined
        : '(resource) needs resource {uri, text or blob}';
    }
    case 'resource_link':
      return strings('uri', 'name') && '(resource_link) needs uri and name (strings)';
    default:
      return `has type ${JSON.stringify(b.type ?? null)}: use one of ${CONTENT_TYPES.join(', ')}`;
  }
}

/**
 * A check against a tool's output schema, in the dialect it declares; undefined when the schema
 * does not compile (the answer is then not held to it, rather than never usable).
 */
export function structuredCheck(schema: JsonSchema): StructuredCheck | undefined {
  const options = { strict: false, validateFormats: false, allErrors: true, logger: false } as const;
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const engine = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  let validate: ValidateFunction;
  try {
    validate = engine.compile({ type: 'object', ...schema });
  } catch {
    return undefined;
  }
  return (structured) => (validate(structured) ? undefined : (validate.errors ?? []).map((e) => `structuredContent${e.instancePath} ${e.message ?? 'is invalid'}`).join('; '));
}
