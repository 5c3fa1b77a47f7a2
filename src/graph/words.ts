/**
 * Words out of identifiers and descriptions, normalised so that `entityNames`, `entity_name` and
 * "the entity's name" compare equal word by word.
 */

/** Words that carry no meaning in a parameter description. */
const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'of', 'to', 'for', 'in', 'on', 'at', 'by', 'with', 'from', 'and', 'or', 'is', 'are', 'be', 'it', 'its',
  'this', 'that', 'these', 'those', 'which', 'who', 'what', 'where', 'when', 'as', 'if', 'else', 'not', 'no', 'any', 'all',
  'each', 'every', 'one', 'some', 'should', 'must', 'can', 'may', 'will', 'use', 'used', 'using', 'e', 'g', 'ie', 'eg',
  'optional', 'required', 'default', 'array', 'list', 'string', 'object', 'number', 'integer', 'boolean', 'value', 'field',
  'parameter', 'given', 'specific', 'provided', 'associated',
]);

/** Short words ending in `s` that are not plurals (`ids` and `urls` are). */
const NOT_PLURAL: ReadonlySet<string> = new Set(['has', 'was', 'yes', 'does', 'gas', 'dns', 'https', 'aws', 'sms']);

/** Splits camelCase, PascalCase, snake_case, kebab-case and prose into lower-case words. */
export function splitWords(text: string): string[] {
  return text
    // A plural acronym (`URLs`, `IDs`) is one word, not `UR` + `Ls`.
    .replace(/([A-Z])([A-Z]+)s(?![a-z])/g, (_m, first: string, rest: string) => `${first}${rest.toLowerCase()}s`)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** A crude English singular: enough for identifiers (`entities`, `names`, `addresses`), not for prose. */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 2 && word.endsWith('s') && !/(ss|us|is)$/.test(word) && !NOT_PLURAL.has(word)) return word.slice(0, -1);
  return word;
}

/** The singular words of an identifier such as `entityNames` → [entity, name]. */
export function identifierWords(identifier: string): string[] {
  return splitWords(identifier).map(singular);
}

/** The meaningful singular words of a description, as a set. */
export function descriptionWords(text: string | undefined): Set<string> {
  if (!text) return new Set();
  return new Set(splitWords(text).filter((word) => !STOPWORDS.has(word)).map(singular));
}

/** The named segments of a field path: `entities[].name` → [entities, name]. */
export function pathSegments(path: string): string[] {
  return path.split(/\.|\[\]/).filter((segment) => segment !== '');
}
