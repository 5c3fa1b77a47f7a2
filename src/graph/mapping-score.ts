import type { FieldDescriptor, ToolProfile } from '../domain.js';
import { fieldWords, toolWords, type FieldWords } from './field-words.js';
import { enumAccepts, listsPaths, listsUrls, looksLikeId, looksLikePath, looksLikeProse, looksLikeUrl } from './value-kinds.js';

/** How plausible it is that a parameter takes an output field's value, in [0, 1], and why. */
export interface MappingScore {
  score: number;
  why: string;
}

/** Single words that say what kind of value a field holds but not which thing it belongs to. */
const GENERIC: ReadonlySet<string> = new Set([
  'id', 'name', 'title', 'key', 'value', 'type', 'description', 'label', 'text', 'content', 'message', 'status', 'data',
  'result', 'item', 'body', 'detail', 'info', 'note', 'output', 'response', 'code', 'count', 'number', 'kind',
]);
/** Parameters named for their role (`from`, `to`) rather than their content: only descriptions say what they take. */
const ROLES: ReadonlySet<string> = new Set(['from', 'to', 'source', 'target', 'src', 'dst', 'parent', 'child']);
/** Output leaves that hold free text: at best a weak source for anything. */
const FREE_TEXT: ReadonlySet<string> = new Set(['text', 'message', 'content', 'result', 'output', 'body', 'response', 'data', 'value', 'log', 'stdout']);
const ID_WORDS: ReadonlySet<string> = new Set(['id', 'uuid', 'key', 'identifier', 'ref', 'slug', 'handle']);
const PATH_WORDS: ReadonlySet<string> = new Set(['path', 'file', 'filename', 'filepath', 'dir', 'directory', 'folder']);
const URL_WORDS: ReadonlySet<string> = new Set(['url', 'uri', 'link', 'href', 'endpoint']);
/** Heads of parameters that point at something that already exists, which is what tool chains pass along. */
const REFERENCES: ReadonlySet<string> = new Set([...ID_WORDS, ...PATH_WORDS, ...URL_WORDS, 'name', 'email', 'username', 'sha', 'hash', 'number']);
/** Heads of parameters that hold content: a generic one (`title`) copied from another tool is a weak link. */
const CONTENT: ReadonlySet<string> = new Set(['title', 'description', 'label', 'text', 'content', 'message', 'status', 'type', 'kind', 'body', 'detail', 'info', 'note', 'summary', 'comment']);
/**
 * Parameters whose names promise nothing about their content (`get_sum(a, b)`, `echo(message)`):
 * they take any value of their type, so any such output may feed them, weakly. Top-level ones only:
 * nested in an object (`observations[].contents[]`) the object's name does say what they hold.
 */
const OPEN_NAMES: ReadonlySet<string> = new Set(['a', 'b', 'x', 'y', 'n', 'value', 'input', 'message', 'text', 'data', 'content', 'payload']);
const OPEN_SCORE = 0.4;
const CREATING_VERBS: ReadonlySet<string> = new Set(['create', 'add', 'new', 'insert', 'register', 'make', 'post']);

/** Free text can suggest a value, never vouch for one: it stays below the medium threshold. */
const FREE_TEXT_CAP = 0.55;
/** Copying content (not a reference) can make a medium edge at most; generic content a low one. */
const CONTENT_CAP = 0.7;
const GENERIC_CONTENT_CAP = 0.5;
const NONE: MappingScore = { score: 0, why: 'no evidence' };

/**
 * Scores one (parameter of `target`, output field of `source`) combination from names, then
 * descriptions, then the observed example. Names that contradict each other (`taskId` ← `requestId`)
 * reject the mapping outright, whatever the descriptions say.
 */
export function scoreMapping(input: FieldDescriptor, output: FieldDescriptor, source: ToolProfile, target: ToolProfile): MappingScore {
  const i = fieldWords(input);
  const o = fieldWords(output);
  // Where the output sits in nothing but wrappers, the source tool's name says what it belongs to.
  const owner = o.owner.length > 0 ? o.owner : toolWords(source).nouns;
  const context = new Set([...i.described, ...i.parents, ...toolWords(target).nouns]);

  const named = byName(i, o, owner, context);
  if (named.score < 0) return { score: 0, why: named.why };
  const described = byDescription(i, o, context);
  let best = named.score >= described.score ? named : described;
  if (named.score >= 0.5 && described.score > 0) best = { score: best.score + 0.05, why: `${best.why}; the description agrees` };
  if (best.score > 0 && i.leaf.length > 0 && i.leaf.every((word) => toolWords(source).described.has(word))) {
    best = { score: best.score + 0.05, why: `${best.why}; the source tool mentions it` };
  }

  const fits = enumAccepts(input, output);
  if (fits === false) return { score: 0, why: 'the output values are not in the parameter enum' };
  if (fits === true) best = { score: best.score + 0.15, why: `${best.why}; its values are in the enum` };
  if (fits === undefined && input.enum) best = { score: best.score - 0.15, why: `${best.why}; the enum cannot be checked` };

  best = byExample(i, o, output, best);
  if (best.score < OPEN_SCORE && OPEN_NAMES.has(input.path)) {
    best = { score: OPEN_SCORE, why: `${input.path} takes any ${input.type}, and ${output.path} is one` };
  }
  if (isFreeText(o)) best = { score: Math.min(best.score, FREE_TEXT_CAP), why: best.why };
  const notAReference = whyNotAReference(i, target);
  if (notAReference) {
    const cap = CONTENT.has(i.leaf[i.leaf.length - 1] ?? '') ? GENERIC_CONTENT_CAP : CONTENT_CAP;
    if (best.score > cap) best = { score: cap, why: `${best.why}; but ${notAReference}` };
  }
  return { score: Math.max(0, Math.min(1, best.score)), why: best.why };
}

/** A negative score is a contradiction, not just missing evidence. */
function byName(i: FieldWords, o: FieldWords, owner: string[], context: Set<string>): MappingScore {
  const head = i.leaf[i.leaf.length - 1];
  if (head === undefined || head !== o.leaf[o.leaf.length - 1]) return NONE;
  const inQualifier = i.leaf.slice(0, -1);
  const outQualifier = o.leaf.slice(0, -1);
  const named = i.leaf.join(' ');

  if (sameWords(inQualifier, outQualifier)) {
    if (i.leaf.length > 1 || (!GENERIC.has(head) && !ROLES.has(head))) return { score: 1, why: `same name (${named})` };
    if (owner.some((word) => context.has(word))) return { score: 0.85, why: `same name, and the parameter is about ${owner.join(' ')}` };
    return { score: 0.35, why: `same generic name (${named}) and nothing else in common` };
  }
  if (outQualifier.length === 0) {
    // `taskId` ← `tasks[].id`: the qualifier moved into the parent's name.
    if (inQualifier.every((word) => owner.includes(word))) return { score: 0.95, why: `${named} is the ${head} of ${withArticle(owner)}` };
    if (inQualifier.some((word) => owner.includes(word))) return { score: 0.65, why: `${named} partly matches the ${head} of ${withArticle(owner)}` };
    // Only a real parent segment contradicts; a tool name is too weak to.
    return o.owner.length > 0 ? { score: -1, why: `${named} is not the ${head} of ${withArticle(owner)}` } : { score: 0.3, why: `an unqualified ${head}` };
  }
  if (inQualifier.length === 0) {
    // `names[]` ← `results[].entityName`: fine when the parameter's description speaks of entities.
    if (outQualifier.every((word) => context.has(word))) return { score: 0.85, why: `the parameter takes ${withArticle(o.leaf)}` };
    if (outQualifier.some((word) => context.has(word))) return { score: 0.6, why: `the parameter may take ${withArticle(o.leaf)}` };
    return { score: 0.4, why: `a generic ${head} from ${withArticle(o.leaf)}` };
  }
  if (inQualifier.every((word) => outQualifier.includes(word)) || outQualifier.every((word) => inQualifier.includes(word))) {
    return { score: 0.6, why: `overlapping names (${named} / ${o.leaf.join(' ')})` };
  }
  return { score: -1, why: `${named} is not ${withArticle(o.leaf)}` };
}

function byDescription(i: FieldWords, o: FieldWords, context: Set<string>): MappingScore {
  const head = i.leaf[i.leaf.length - 1];
  if (head === undefined) return NONE;
  // The parameter's description names the output field ("the name of the entity" ← `entities[].name`),
  // unless the parameter's own name says it holds another kind of value (a `name` is not an `observation`).
  const terms = new Set([...o.owner, ...o.leaf]);
  const ownKindDiffers = GENERIC.has(head) && head !== o.leaf[o.leaf.length - 1];
  if (terms.size >= 2 && !ownKindDiffers && [...terms].every((word) => i.described.has(word))) {
    return { score: ROLES.has(head) ? 0.85 : 0.75, why: `the parameter's description names ${[...terms].join(' ')}` };
  }
  // The output's description says it is what the parameter is called ("the name of the entity where …").
  if (i.leaf.every((word) => o.described.has(word))) {
    const shared = [...context].filter((word) => o.described.has(word) && !i.leaf.includes(word));
    if (i.leaf.length >= 2 || shared.length > 0) return { score: 0.6, why: `the output's description names ${withArticle(i.leaf)}` };
  }
  return NONE;
}

/**
 * The observed example confirms or refutes what names suggest for ids, paths and URLs. A path or
 * URL is distinctive enough to count on its own (weakly); an id-looking token is not (versions and
 * dates look like ids), unless the output is a bare value with no name to go by.
 */
function byExample(i: FieldWords, o: FieldWords, output: FieldDescriptor, current: MappingScore): MappingScore {
  const example = output.example;
  const head = i.leaf[i.leaf.length - 1] ?? '';
  if (example === undefined) return current;
  const kinds: Array<{ words: ReadonlySet<string>; kind: string; looksLike: (v: unknown) => boolean; lists?: (v: unknown) => boolean; distinctive: boolean }> = [
    { words: ID_WORDS, kind: 'id', looksLike: looksLikeId, distinctive: false },
    { words: PATH_WORDS, kind: 'path', looksLike: looksLikePath, lists: listsPaths, distinctive: true },
    { words: URL_WORDS, kind: 'URL', looksLike: looksLikeUrl, lists: listsUrls, distinctive: true },
  ];
  const kind = kinds.find((k) => k.words.has(head));
  if (!kind) return current;
  const because = (reason: string) => (current.score > 0 ? `${current.why}; ${reason}` : reason);
  if (kind.looksLike(example)) {
    if (current.score > 0) return { score: current.score + 0.05, why: because(`the example looks like ${withArticle([kind.kind])}`) };
    if (kind.distinctive || isFreeText(o)) return { score: 0.5, why: `the example looks like ${withArticle([kind.kind])}` };
    return current;
  }
  // A text that contains the value is a weak source (low confidence), not no source.
  if (kind.lists?.(example)) return { score: Math.max(current.score, 0.5), why: because(`the text lists ${kind.kind}s`) };
  // Running text where an id, a path or a URL should be: whatever the names say, this is not it.
  if (looksLikeProse(example)) return { score: 0, why: because(`but the example is prose, not ${withArticle([kind.kind])}`) };
  return current;
}

/**
 * Undefined when the parameter points at something that exists (an id, a name, a path, a `from`);
 * otherwise why it does not. In `create_entities`, `entities[].name` names the entity being
 * created, so it refers to nothing yet.
 */
function whyNotAReference(i: FieldWords, target: ToolProfile): string | undefined {
  const head = i.leaf[i.leaf.length - 1] ?? '';
  if (ROLES.has(head)) return undefined;
  if (!REFERENCES.has(head)) return 'it copies content, not a reference';
  const tool = toolWords(target);
  const createsOwner = tool.verb !== undefined && CREATING_VERBS.has(tool.verb) && i.owner.length > 0 && i.owner.every((word) => tool.nouns.includes(word));
  const namesOwner = i.leaf.slice(0, -1).every((word) => i.owner.includes(word));
  return createsOwner && namesOwner ? `it names the ${i.owner.join(' ')} the target creates` : undefined;
}

function isFreeText(o: FieldWords): boolean {
  return o.leaf.length === 0 || o.leaf.every((word) => FREE_TEXT.has(word));
}

/** "an entity name", "a task", "a URL": for reasons people read. */
function withArticle(words: string[]): string {
  const phrase = words.join(' ');
  return `${/^[aeio]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

function sameWords(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}
