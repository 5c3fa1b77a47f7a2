import { redactedAs } from './marker.js';
import { isSensitiveName } from './sensitive-names.js';

/**
 * Strings shaped like keys or tokens, recognised without knowing them: vendors' key formats, JWTs,
 * bearer credentials, PEM private keys, and long high-entropy tokens written next to a key-like
 * name. Each pattern is strict enough to leave ordinary data alone: ids such as `req-1`, UUIDs,
 * file paths and bare digests (a 64-hex sha256 is data unless a name like `api_key` precedes it).
 */
export interface TokenPattern {
  kind: string;
  /** Global; every match is the secret itself (prefixes such as "Bearer " sit in a lookbehind). */
  regex: RegExp;
  /** A further check on a match the regex alone cannot make. */
  accept?: (match: string) => boolean;
}

const hasDigit = (text: string) => /[0-9]/.test(text);

/** Most specific first: `sk-ant-…` is an Anthropic key before it is an `sk-…` key. */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  // A truncated block (a log tail cut mid-key) is redacted to the end of the text.
  { kind: 'private-key', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g },
  { kind: 'anthropic-key', regex: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai-key', regex: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/g, accept: hasDigit },
  { kind: 'github-token', regex: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'slack-token', regex: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'aws-access-key', regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  { kind: 'google-api-key', regex: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'jwt', regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'bearer', regex: /(?<=\b[Bb]earer\s{1,4})[A-Za-z0-9._~+/-]{12,}=*/g, accept: hasDigit },
  { kind: 'basic-auth', regex: /(?<=\bBasic\s{1,4})[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])/g, accept: hasDigit },
];

export const KEYED_TOKEN_KIND = 'token';
const MIN_KEYED_TOKEN = 32;
/**
 * Candidates for a keyed token: runs of base64, hex or url-safe characters. `=` counts only as
 * padding at the end, so that the `=` of `A_LONG_VARIABLE_NAME=value` stays outside the name's run.
 */
const TOKEN_RUN = /[A-Za-z0-9_\-+/.~]{32,}(?:={1,2}(?![A-Za-z0-9_\-+/.~]))?/g;
/** `api_key=`, `"accessToken": "`, `TOKEN: '`, or `\"token\": \"` in escaped JSON, just before a candidate. */
const KEY_BEFORE = /([A-Za-z_][A-Za-z0-9_.-]*)\\?["']?\s{0,4}[:=]\s{0,4}\\?["']?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a whole string is a long, high-entropy token: ≥ 32 characters of base64, hex or url-safe
 * alphabet, with letters and digits, not a UUID, not a path, and at least 3 bits of entropy per
 * character. Used only where a key-like name says a secret is expected.
 */
export function looksLikeToken(text: string): boolean {
  if (text.length < MIN_KEYED_TOKEN || !/^[A-Za-z0-9_\-+/.~]+={0,2}$/.test(text)) return false;
  if (UUID.test(text) || /^[/.~]/.test(text) || !/[A-Za-z]/.test(text) || !hasDigit(text)) return false;
  return entropyPerChar(text) >= 3;
}

function entropyPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export interface FoundToken {
  value: string;
  kind: string;
}

/**
 * Replaces every pattern match, then every keyed token, with its marker; `found` receives each
 * replaced string. Linear in the text: each regex scans once, and a keyed token's context is read
 * from at most 64 characters before it.
 */
export function replaceTokens(text: string, found?: (token: FoundToken) => void): string {
  let out = text;
  for (const { kind, regex, accept } of TOKEN_PATTERNS) {
    out = out.replace(regex, (match) => {
      if (accept && !accept(match)) return match;
      found?.({ value: match, kind });
      return redactedAs(kind);
    });
  }
  return out.replace(TOKEN_RUN, (match: string, offset: number, whole: string) => {
    const key = KEY_BEFORE.exec(whole.slice(Math.max(0, offset - 64), offset))?.[1];
    if (key === undefined || !isSensitiveName(key) || !looksLikeToken(match)) return match;
    found?.({ value: match, kind: KEYED_TOKEN_KIND });
    return redactedAs(KEYED_TOKEN_KIND);
  });
}
