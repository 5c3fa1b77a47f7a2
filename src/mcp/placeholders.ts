import { SpecError } from './errors.js';

/**
 * `${…}` placeholders in spec strings. They keep machine-specific and secret values out of the spec
 * (and so out of the store): `${sandbox}` and `${project}` are paths known only at launch,
 * `${bin:pkg}` finds an installed server without npx, `${env:NAME}` reads a secret from the worker.
 */
export type Placeholder =
  | { kind: 'sandbox' }
  | { kind: 'project' }
  | { kind: 'bin'; pkg: string }
  | { kind: 'env'; name: string };

export type PlaceholderKind = Placeholder['kind'];

/** A template is literal text interleaved with placeholders. */
export type TemplatePart = string | Placeholder;

export const ALL_PLACEHOLDERS: readonly PlaceholderKind[] = ['sandbox', 'project', 'bin', 'env'];

/** Tool arguments end up in the store, so a secret from `${env:…}` must never be written there. */
export const ARGUMENT_PLACEHOLDERS: readonly PlaceholderKind[] = ['sandbox', 'project'];

const SYNTAX: Record<PlaceholderKind, string> = {
  sandbox: '${sandbox}',
  project: '${project}',
  bin: '${bin:<npm package>}',
  env: '${env:NAME}',
};

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `text` into literals and placeholders; throws a SpecError naming `field` for any it cannot use. */
export function parseTemplate(text: string, field: string, allowed: readonly PlaceholderKind[]): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let rest = text;
  for (let start = rest.indexOf('${'); start >= 0; start = rest.indexOf('${')) {
    const end = rest.indexOf('}', start);
    if (end < 0) {
      throw new SpecError(field, `${field} has an unterminated placeholder "${rest.slice(start)}": close it with "}"`);
    }
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push(parsePlaceholder(rest.slice(start + 2, end), field, allowed));
    rest = rest.slice(end + 1);
  }
  if (rest) parts.push(rest);
  return parts;
}

function parsePlaceholder(body: string, field: string, allowed: readonly PlaceholderKind[]): Placeholder {
  const placeholder = recognise(body, field);
  if (!allowed.includes(placeholder.kind)) {
    throw new SpecError(
      field,
      `${field} uses ${SYNTAX[placeholder.kind]}, which is not allowed here: use only ${describe(allowed)}` +
        (placeholder.kind === 'env' ? ' (tool arguments are recorded, so secrets belong in env or headers)' : ''),
    );
  }
  return placeholder;
}

function recognise(body: string, field: string): Placeholder {
  if (body === 'sandbox' || body === 'project') return { kind: body };
  if (body.startsWith('bin:')) {
    const pkg = body.slice(4);
    if (!NPM_NAME.test(pkg)) {
      throw new SpecError(field, `${field} has \${bin:${pkg}}, which is not an npm package name: write e.g. \${bin:@modelcontextprotocol/server-memory}`);
    }
    return { kind: 'bin', pkg };
  }
  if (body.startsWith('env:')) {
    const name = body.slice(4);
    if (!ENV_NAME.test(name)) {
      throw new SpecError(field, `${field} has \${env:${name}}, which is not an environment variable name: use letters, digits and _, e.g. \${env:API_TOKEN}`);
    }
    return { kind: 'env', name };
  }
  throw new SpecError(field, `${field} has an unknown placeholder \${${body}}: use ${describe(ALL_PLACEHOLDERS)}`);
}

function describe(kinds: readonly PlaceholderKind[]): string {
  return kinds.map((k) => SYNTAX[k]).join(', ');
}
