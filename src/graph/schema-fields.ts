import type { FieldDescriptor, FieldType, JsonPrimitive, JsonSchema, JsonValue } from '../domain.js';
import { isSchemaNode, resolveSchemaNode, schemaType, typeOfValue, type SchemaNode } from './schema-node.js';

/**
 * Caps that keep one tool's profile small whatever the server sends: profiles are stored,
 * compared pairwise and shown to an LLM judge, so a huge output must not become a huge profile.
 */
export const FIELD_LIMITS = {
  maxFields: 200,
  maxDepth: 12,
  maxExampleChars: 200,
  /** Elements of one observed array whose shapes are merged; later ones rarely add new keys. */
  maxArrayElements: 200,
} as const;

/** The leaves of a tool's input schema, `required` only where the leaf and every ancestor are. */
export function inputFields(schema: JsonSchema): FieldDescriptor[] {
  return flattenSchema(schema, true);
}

/** The leaves of a declared output schema. */
export function outputFieldsFromSchema(schema: JsonSchema): FieldDescriptor[] {
  return flattenSchema(schema, false);
}

function flattenSchema(root: JsonSchema, withRequired: boolean): FieldDescriptor[] {
  const fields: FieldDescriptor[] = [];

  const visit = (raw: unknown, path: string, required: boolean, inheritedDescription: string | undefined, depth: number, refs: ReadonlySet<string>): void => {
    if (fields.length >= FIELD_LIMITS.maxFields) return;
    const resolved = resolveSchemaNode(raw, root, refs);
    // A recursive or dangling `$ref` still names a parameter: keep it as an opaque object.
    const node: SchemaNode = resolved?.node ?? {};
    const type = resolved ? schemaType(node) : 'object';
    // A parameter with a default is one the caller may leave out, whatever `required` says.
    const stillRequired = required && node.default === undefined;
    const description = text(node.description) ?? text(node.title) ?? inheritedDescription;
    const isRoot = path === '';
    const expand = resolved !== undefined && (isRoot || depth < FIELD_LIMITS.maxDepth);

    if (expand && type === 'object' && isSchemaNode(node.properties) && Object.keys(node.properties).length > 0) {
      const requiredNames = new Set(Array.isArray(node.required) ? node.required.filter((n) => typeof n === 'string') : []);
      for (const [name, child] of Object.entries(node.properties)) {
        visit(child, isRoot ? name : `${path}.${name}`, stillRequired && requiredNames.has(name), undefined, depth + 1, resolved.seenRefs);
      }
      return;
    }
    // The root of an input schema is the arguments object itself, never a parameter.
    if (isRoot && type === 'object') return;
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    if (expand && type === 'array' && isSchemaNode(items)) {
      // Elements of a primitive array are described by the array's own description.
      visit(items, `${path}[]`, stillRequired, description, depth + 1, resolved.seenRefs);
      return;
    }
    const field: FieldDescriptor = { path, type };
    if (description !== undefined) field.description = description;
    if (withRequired) field.required = stillRequired;
    const allowed = allowedValues(node);
    if (allowed) field.enum = allowed;
    fields.push(field);
  };

  visit(root, '', true, undefined, 0, new Set());
  return fields;
}

function allowedValues(node: SchemaNode): JsonPrimitive[] | undefined {
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  const primitives = values?.filter(isPrimitive);
  return primitives && primitives.length > 0 ? primitives : undefined;
}

/**
 * The leaves of one observed output. Most tools declare no output schema, so a probe call's real
 * result is the only description of what they return. Elements of an array are merged into one
 * shape (`tasks[].id`), and each leaf keeps the first non-null value seen there as its example.
 */
export function outputFieldsFromValue(value: JsonValue): FieldDescriptor[] {
  const leaves = new Map<string, FieldDescriptor>();

  /** `seen` is undefined for a container cut off by the depth cap: its type is known, not a fair example. */
  const note = (path: string, type: FieldType, seen: JsonValue | undefined): void => {
    const existing = leaves.get(path);
    if (!existing) {
      if (leaves.size >= FIELD_LIMITS.maxFields) return;
      const field: FieldDescriptor = { path, type };
      if (seen !== undefined) field.example = shortExample(seen);
      leaves.set(path, field);
      return;
    }
    if (existing.type === 'null' && type !== 'null') {
      existing.type = type;
      if (seen !== undefined) existing.example = shortExample(seen);
    } else if (existing.type === 'integer' && type === 'number') {
      existing.type = 'number';
    }
  };

  const visit = (current: JsonValue, path: string, depth: number): void => {
    const deep = depth >= FIELD_LIMITS.maxDepth;
    if (Array.isArray(current)) {
      if (current.length === 0 || deep) return note(path, 'array', deep ? undefined : current);
      for (const element of current.slice(0, FIELD_LIMITS.maxArrayElements)) visit(element, `${path}[]`, depth + 1);
      return;
    }
    if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      if (entries.length === 0 || deep) return note(path, 'object', deep ? undefined : current);
      for (const [key, child] of entries) visit(child, path === '' ? key : `${path}.${key}`, depth + 1);
      return;
    }
    note(path, typeOfValue(current), current);
  };

  visit(value, '', 0);
  return withoutShadowedContainers([...leaves.values()]);
}

/**
 * An array that was empty in one element and filled in another leaves both `relations` and
 * `relations[].from`; the container adds nothing once its contents are known.
 */
function withoutShadowedContainers(fields: FieldDescriptor[]): FieldDescriptor[] {
  const paths = fields.map((f) => f.path);
  return fields.filter(
    (f) => (f.type !== 'array' && f.type !== 'object') || !paths.some((p) => p !== f.path && (p.startsWith(`${f.path}[]`) || p.startsWith(`${f.path}.`))),
  );
}

function shortExample(value: JsonValue): JsonValue {
  if (typeof value === 'string' && value.length > FIELD_LIMITS.maxExampleChars) return `${value.slice(0, FIELD_LIMITS.maxExampleChars)}…`;
  return value;
}

function isPrimitive(value: unknown): value is JsonPrimitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
