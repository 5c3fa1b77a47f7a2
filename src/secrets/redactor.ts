import type { JsonValue } from '../domain.js';
import { isMarker, REDACTED, redactedAs } from './marker.js';
import { isSensitiveName } from './sensitive-names.js';
import { KEYED_TOKEN_KIND, looksLikeToken, replaceTokens, type FoundToken } from './token-patterns.js';

/** A secret value to redact wherever it appears; `kind` names the marker (`[REDACTED:<kind>]`). */
export interface Secret {
  value: string;
  kind?: string;
}

/** Shorter values are too likely to occur in ordinary data (`true`, `admin`, `8080`) to redact. */
export const MIN_SECRET_LENGTH = 6;
/**
 * A text that begins with the end of a known secret, or ends with its start, holds a cut secret:
 * a bounded stderr tail or a truncated message sliced through it. Fragments shorter than this are
 * left alone, since they may occur by chance.
 */
const MIN_FRAGMENT = 8;

/**
 * Replaces secrets with markers, in text and deep inside JSON values (keys untouched):
 * - known secret values (those of a run: see spec-secrets.ts), also as they appear JSON-escaped
 *   or URL-encoded, and their cut-off ends at the edges of a text, become `[REDACTED]`;
 * - strings shaped like keys or tokens (token-patterns.ts) become `[REDACTED:<kind>]`, and so does
 *   a long high-entropy string that is the value of a key-like JSON key (`"apiKey": "…"`).
 * Idempotent: markers match nothing. Immutable: `with` returns a redactor that knows more.
 */
export class Redactor {
  private readonly secrets: ReadonlyMap<string, string | undefined>;
  /** Every spelling of every known secret, mapped to its marker. */
  private readonly needles: ReadonlyMap<string, string>;
  private readonly search: RegExp | undefined;

  constructor(secrets: Iterable<string | Secret> = []) {
    const known = new Map<string, string | undefined>();
    for (const secret of secrets) {
      const { value, kind } = typeof secret === 'string' ? { value: secret, kind: undefined } : secret;
      if (value.length < MIN_SECRET_LENGTH || isMarker(value) || REDACTED.includes(value) || known.has(value)) continue;
      known.set(value, kind);
    }
    this.secrets = known;
    const needles = new Map<string, string>();
    for (const [value, kind] of known) {
      for (const spelling of spellings(value)) if (!needles.has(spelling)) needles.set(spelling, redactedAs(kind));
    }
    this.needles = needles;
    // Longest first, so that a secret containing another is replaced whole.
    const alternatives = [...needles.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.search = alternatives.length === 0 ? undefined : new RegExp(alternatives.join('|'), 'g');
  }

  /** A redactor that also knows `more`. */
  with(more: Iterable<string | Secret>): Redactor {
    return new Redactor([...[...this.secrets].map(([value, kind]) => ({ value, ...(kind ? { kind } : {}) })), ...more]);
  }

  redactText(text: string): string {
    return this.redactString(text);
  }

  /** A copy of `value` with every string redacted; object keys are kept as they are. */
  redact<T extends JsonValue>(value: T): T {
    return this.walk(value, undefined) as T;
  }

  /**
   * The strings in `value` that patterns or key-like names mark as secrets (known secrets aside).
   * A caller that passes such a string on (an argument planned from an earlier output) adds them
   * with `with`, so the string is redacted the same way wherever it is recorded next.
   */
  find(value: JsonValue): Secret[] {
    const found: Secret[] = [];
    this.walk(value, undefined, (token) => found.push(token));
    return found;
  }

  private walk(value: JsonValue, key: string | undefined, found?: (token: FoundToken) => void): JsonValue {
    if (typeof value === 'string') {
      if (key !== undefined && isSensitiveName(key) && looksLikeToken(value) && !this.secrets.has(value)) {
        found?.({ value, kind: KEYED_TOKEN_KIND });
        return redactedAs(KEYED_TOKEN_KIND);
      }
      return this.redactString(value, found);
    }
    if (Array.isArray(value)) return value.map((item) => this.walk(item, undefined, found));
    if (value === null || typeof value !== 'object') return value;
    const copy: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) copy[k] = this.walk(v, k, found);
    return copy;
  }

  /** Known secrets first: a pattern then sees the text as it will be recorded. */
  private redactString(text: string, found?: (token: FoundToken) => void): string {
    const known = this.search ? text.replace(this.search, (match) => this.needles.get(match) ?? REDACTED) : text;
    return this.redactFragments(replaceTokens(known, found));
  }

  private redactFragments(text: string): string {
    let out = text;
    for (const [secret, kind] of this.secrets) {
      for (let size = Math.min(secret.length - 1, out.length); size >= MIN_FRAGMENT; size--) {
        if (out.startsWith(secret.slice(-size))) {
          out = redactedAs(kind) + out.slice(size);
          break;
        }
      }
      for (let size = Math.min(secret.length - 1, out.length); size >= MIN_FRAGMENT; size--) {
        if (out.endsWith(secret.slice(0, size))) {
          out = out.slice(0, out.length - size) + redactedAs(kind);
          break;
        }
      }
    }
    return out;
  }
}

/** A redactor with no known secrets: it still recognises strings shaped like keys or tokens. */
export const patternRedactor = new Redactor();

/** The secret as written, inside JSON text, and URL-encoded. */
function spellings(value: string): string[] {
  const spelled = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
  return [...new Set(spelled)].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
