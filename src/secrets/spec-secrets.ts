import { ALL_PLACEHOLDERS, parseTemplate, type TemplatePart } from '../mcp/placeholders.js';
import type { ServerSpec } from '../mcp/spec.js';
import { MIN_SECRET_LENGTH, patternRedactor, Redactor } from './redactor.js';
import { isSensitiveHeader, isSensitiveName } from './sensitive-names.js';

/** A secret a server spec hands to its server, and where: `server.env.API_TOKEN`, `server.headers.Authorization`… */
export interface SpecSecret {
  field: string;
  value: string;
  /** Written into the spec itself rather than read from the worker with `${env:NAME}`. */
  literal: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The secrets of a run, as its spec hands them to the server:
 * - the value of every `${env:NAME}` placeholder, whatever the field: routing a value through the
 *   worker's environment is how a spec says "secret", so even a harmless-looking one counts;
 * - the whole value of an `env` entry whose NAME looks sensitive (KEY, TOKEN, SECRET, PASSWORD,
 *   PASS, AUTH, CREDENTIAL, COOKIE, SESSION, PRIVATE: see sensitive-names.ts), of a sensitive
 *   header (Authorization, X-API-Key, Cookie, …; also the credential after "Bearer "), of the
 *   value after a sensitive flag in `args` (`--api-key VALUE`, `--token=VALUE`), and of a URL's
 *   password or sensitive query parameter;
 * - token-shaped literals anywhere in those fields (`ghp_…` under an innocent name).
 * Other env values are configuration, not secrets: `MEMORY_FILE_PATH=${sandbox}/memory.jsonl` is
 * left alone, and so is a sensitive-named value built on `${sandbox}`, `${project}` or `${bin:…}`
 * (`TOKEN_FILE=${sandbox}/token`): that is a path, and redacting it would break recorded paths.
 */
export function specSecrets(spec: ServerSpec, env: Env): SpecSecret[] {
  const found: SpecSecret[] = [];
  const add = (field: string, template: string, sensitive: boolean) => found.push(...templateSecrets(field, template, sensitive, env));
  if (spec.transport === 'composite') {
    spec.servers.forEach((member, i) => found.push(...specSecrets(member, env).map((s) => ({ ...s, field: s.field.replace(/^server/, `server.servers[${i}]`) }))));
  } else if (spec.transport === 'stdio') {
    spec.args.forEach((arg, i) => {
      const flag = /^--?([A-Za-z][\w-]*)=/.exec(arg);
      if (flag && isSensitiveName(flag[1]!)) add(`server.args[${i}]`, arg.slice(flag[0].length), true);
      else add(`server.args[${i}]`, arg, isSensitiveFlag(spec.args[i - 1]));
    });
    for (const [name, value] of Object.entries(spec.env)) add(`server.env.${name}`, value, isSensitiveName(name));
    if (spec.cwd !== undefined) add('server.cwd', spec.cwd, false);
  } else {
    add('server.url', spec.url, false);
    found.push(...urlSecrets(spec.url, env));
    for (const [name, value] of Object.entries(spec.headers)) add(`server.headers.${name}`, value, isSensitiveHeader(name));
  }
  return found;
}

/** A redactor that knows the run's secrets (see specSecrets) and recognises token-shaped strings. */
export function specRedactor(spec: ServerSpec, env: Env): Redactor {
  return new Redactor(specSecrets(spec, env).map((s) => s.value));
}

/** The fields where the spec writes a secret literally: stored with the run, and in the workflow input. */
export function literalSecretFields(spec: ServerSpec): string[] {
  return [...new Set(specSecrets(spec, {}).filter((s) => s.literal && s.value.length >= MIN_SECRET_LENGTH).map((s) => s.field))];
}

function templateSecrets(field: string, template: string, sensitive: boolean, env: Env): SpecSecret[] {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(template, field, ALL_PLACEHOLDERS);
  } catch {
    return []; // parseServerSpec refuses such a spec before any secret could be needed.
  }
  const found: SpecSecret[] = [];
  for (const part of parts) {
    if (typeof part === 'string' || part.kind !== 'env') continue;
    const value = env[part.name];
    if (value !== undefined) found.push({ field, value, literal: false });
  }
  const literal = parts.every((part) => typeof part === 'string');
  if (sensitive && parts.every((part) => typeof part === 'string' || part.kind === 'env')) {
    const whole = parts.map((part) => (typeof part === 'string' ? part : part.kind === 'env' ? (env[part.name] ?? '') : '')).join('');
    found.push({ field, value: whole, literal });
    const credential = /^(?:Bearer|Basic|Token|Bot|Digest)\s+(\S.*)$/i.exec(whole)?.[1];
    if (credential !== undefined) found.push({ field, value: credential, literal });
  }
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    for (const token of patternRedactor.find(part)) found.push({ field, value: token.value, literal: true });
  }
  return found;
}

/** `https://user:PASSWORD@host/mcp?api_key=VALUE`: the password and sensitive query values. */
function urlSecrets(template: string, env: Env): SpecSecret[] {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(template, 'server.url', ALL_PLACEHOLDERS);
  } catch {
    return [];
  }
  if (!parts.every((part) => typeof part === 'string' || part.kind === 'env')) return [];
  let url: URL;
  try {
    // An unknown variable stands in as "x" so that the literal parts can still be read.
    url = new URL(parts.map((part) => (typeof part === 'string' ? part : part.kind === 'env' ? (env[part.name] ?? 'x') : '')).join(''));
  } catch {
    return [];
  }
  const written = parts.filter((part): part is string => typeof part === 'string').join('\n');
  const secret = (value: string): SpecSecret => ({ field: 'server.url', value, literal: written.includes(value) || written.includes(encodeURIComponent(value)) });
  const found: SpecSecret[] = [];
  if (url.password) found.push(secret(decodeURIComponent(url.password)));
  for (const [name, value] of url.searchParams) if (isSensitiveName(name)) found.push(secret(value));
  return found;
}

/** `--api-key`, `--token`, `-p`… a flag whose next argument is its value; only named ones count. */
function isSensitiveFlag(arg: string | undefined): boolean {
  const name = arg === undefined ? undefined : /^--?([A-Za-z][\w-]*)$/.exec(arg)?.[1];
  return name !== undefined && isSensitiveName(name);
}

/**
 * One warning per field that holds a literal secret, naming the field, never the value. Such a
 * value is kept as written: the run's record must be able to start the server on any worker and
 * after any restart, and the workflow's input (in Temporal's history) holds it anyway. Recorded
 * calls, tool definitions, errors, logs and exports are redacted all the same.
 */
export function literalSecretWarnings(spec: ServerSpec): string[] {
  return literalSecretFields(spec).map(
    (field) =>
      `${field} holds a secret written into the spec: it stays in the workflow input (Temporal history) and the run's record; ` +
      'export it on the worker and write "${env:NAME}" instead',
  );
}
