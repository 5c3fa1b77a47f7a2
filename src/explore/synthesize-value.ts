import type { JsonSchema, JsonValue } from '../domain.js';
import { pick, type Random } from '../random.js';

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov'];
const WORDS = ['orbit', 'harbor', 'lantern', 'meadow', 'quartz', 'signal', 'timber', 'violet'];

/**
 * A plausible value for a schema leaf nothing else can feed: default first, then enum, then what the
 * format or the parameter's name suggests. Paths point into the episode's sandbox.
 */
export function synthesizeValue(schema: JsonSchema, name: string, random: Random, element = 0): JsonValue {
  if (schema.default !== undefined) return schema.default as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(random, schema.enum as JsonValue[])!;
  const type = schema.type;
  if (type === 'integer' || type === 'number') return number(schema, random, type === 'integer');
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  return text(schema, name.toLowerCase(), random, element);
}

function number(schema: JsonSchema, random: Random, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Math.max(min, 10);
  const value = min + random() * (max - min);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

function text(schema: JsonSchema, name: string, random: Random, element: number): string {
  const format = typeof schema.format === 'string' ? schema.format : '';
  const word = pick(random, WORDS)!;
  if (format === 'uri' || format === 'url' || /url|uri|link/.test(name)) return `https://example.com/${word}`;
  if (format === 'email' || name.includes('email')) return `${word}@example.com`;
  if (format === 'date-time') return '2026-01-15T09:30:00Z';
  if (format === 'date' || name.includes('date')) return '2026-01-15';
  if (/path|file|dir|source|destination/.test(name)) return `\${sandbox}/${word}-${element + 1}.txt`;
  if (/(^|_)id$|Id$/.test(name) || name.endsWith('id')) return `${word}-${element + 1}`;
  if (name.includes('name') || name === 'from' || name === 'to') return NAMES[(Math.floor(random() * NAMES.length) + element) % NAMES.length]!;
  if (/query|search|pattern|keyword|topic/.test(name)) return word;
  if (/type|kind|category/.test(name)) return pick(random, ['person', 'project', 'place'])!;
  return `${word} ${name || 'value'} ${element + 1}`.trim();
}
