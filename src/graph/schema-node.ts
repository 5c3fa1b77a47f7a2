import type { FieldType } from '../domain.js';

/** One node of a JSON Schema, read loosely: servers write whatever their schema library emits. */
export type SchemaNode = { [key: string]: unknown };

const FIELD_TYPES: ReadonlySet<string> = new Set<FieldType>(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

export function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reduces a node to one plain schema: follows local `$ref`s, merges `allOf`, and replaces
 * `anyOf`/`oneOf` by one representative branch (the first that is not `null`), because a
 * field gets one type in a profile. Keywords written beside the combinator (description,
 * default) win over the branch's own. Returns undefined for a `$ref` that cannot be followed
 * or that loops back to a node already being read.
 */
export function resolveSchemaNode(raw: unknown, root: SchemaNode, seenRefs: ReadonlySet<string>): { node: SchemaNode; seenRefs: ReadonlySet<string> } | undefined {
  let node = isSchemaNode(raw) ? raw : {};
  let seen = seenRefs;
  // Each round removes one indirection; the bound stops schemas that nest combinators endlessly.
  for (let round = 0; round < 16; round++) {
    const { $ref, allOf, anyOf, oneOf, ...rest } = node;
    if (typeof $ref === 'string') {
      if (seen.has($ref)) return undefined;
      const target = followPointer(root, $ref);
      if (!target) return undefined;
      seen = new Set([...seen, $ref]);
      node = { ...target, ...rest };
    } else if (Array.isArray(allOf)) {
      node = mergeAll([...allOf.filter(isSchemaNode), rest]);
    } else if (Array.isArray(anyOf) || Array.isArray(oneOf)) {
      const branches = [...(Array.isArray(anyOf) ? anyOf : []), ...(Array.isArray(oneOf) ? oneOf : [])].filter(isSchemaNode);
      const representative = branches.find((branch) => branch.type !== 'null') ?? branches[0] ?? {};
      node = { ...representative, ...rest };
    } else {
      return { node, seenRefs: seen };
    }
  }
  return { node, seenRefs: seen };
}

/** The node's type: declared, or inferred from the keywords it uses (many servers omit `type`). */
export function schemaType(node: SchemaNode): FieldType {
  const declared = Array.isArray(node.type) ? (node.type.find((t) => t !== 'null') ?? node.type[0]) : node.type;
  if (typeof declared === 'string' && FIELD_TYPES.has(declared)) return declared as FieldType;
  if (isSchemaNode(node.properties) || node.additionalProperties !== undefined) return 'object';
  if (node.items !== undefined) return 'array';
  const sample = Array.isArray(node.enum) ? node.enum[0] : node.const !== undefined ? node.const : node.default;
  if (sample !== undefined) return typeOfValue(sample);
  // An unconstrained value ("anything"): opaque, so it never produces a type-based mapping.
  return 'object';
}

export function typeOfValue(value: unknown): FieldType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

function followPointer(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    if (!isSchemaNode(current)) return undefined;
    current = current[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchemaNode(current) ? current : undefined;
}

/** allOf is almost always "object plus more properties": unite properties and required lists. */
function mergeAll(parts: SchemaNode[]): SchemaNode {
  const merged: SchemaNode = {};
  const properties: SchemaNode = {};
  const required: unknown[] = [];
  for (const part of parts) {
    Object.assign(merged, part);
    if (isSchemaNode(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) required.push(...part.required);
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.length > 0) merged.required = required;
  return merged;
}
