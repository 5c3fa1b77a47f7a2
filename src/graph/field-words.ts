import type { FieldDescriptor, ToolProfile } from '../domain.js';
import { descriptionWords, identifierWords, pathSegments } from './words.js';

/** How a field names itself, read once per field: the judge compares every field many times. */
export interface FieldWords {
  /** Words of the last segment: `observations[].entityName` → [entity, name]. */
  leaf: string[];
  /** Words of every segment above the leaf: → [observation]. */
  parents: string[];
  /**
   * Words of the nearest ancestor that names a thing rather than a wrapper: `tasks[].id` → [task],
   * `data.items[].id` → [] (wrappers only).
   */
  owner: string[];
  described: Set<string>;
}

/** Segment names that wrap results without saying what they hold. */
const WRAPPERS: ReadonlySet<string> = new Set(['data', 'result', 'item', 'response', 'output', 'payload', 'record', 'entry', 'content', 'list', 'value', 'structured']);

/** Leading verbs of tool names: what remains (`get_next_task` → [next, task]) says what the tool is about. */
const VERBS: ReadonlySet<string> = new Set([
  'get', 'list', 'create', 'add', 'update', 'delete', 'remove', 'read', 'open', 'search', 'find', 'fetch', 'set', 'mark',
  'approve', 'make', 'put', 'post', 'run', 'execute', 'edit', 'write', 'move', 'copy', 'show', 'describe', 'check', 'request',
]);

const fieldCache = new WeakMap<FieldDescriptor, FieldWords>();
/** What a tool's name and description say: `create_entities` → verb create, nouns [entity]. */
export interface ToolWords {
  verb: string | undefined;
  nouns: string[];
  described: Set<string>;
}

const toolCache = new WeakMap<ToolProfile, ToolWords>();

export function fieldWords(field: FieldDescriptor): FieldWords {
  const cached = fieldCache.get(field);
  if (cached) return cached;
  const segments = pathSegments(field.path).map(identifierWords);
  const ancestors = segments.slice(0, -1);
  const words: FieldWords = {
    leaf: segments[segments.length - 1] ?? [],
    parents: ancestors.flat(),
    owner: ancestors.reverse().find((seg) => seg.some((word) => !WRAPPERS.has(word))) ?? [],
    described: descriptionWords(field.description),
  };
  fieldCache.set(field, words);
  return words;
}

export function toolWords(tool: ToolProfile): ToolWords {
  const cached = toolCache.get(tool);
  if (cached) return cached;
  // The name after its server prefix (`memory/create_entities`), minus its leading verbs.
  const ownName = tool.name.slice(tool.name.lastIndexOf('/') + 1);
  const name = identifierWords(ownName);
  const firstNoun = name.findIndex((word) => !VERBS.has(word));
  const words: ToolWords = {
    verb: firstNoun === 0 ? undefined : name[0],
    nouns: firstNoun < 0 ? [] : name.slice(firstNoun),
    described: descriptionWords(tool.description),
  };
  toolCache.set(tool, words);
  return words;
}
