import { resolve } from 'node:path';
import { DEFAULT_INHERITED_ENV_VARS } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JsonObject, JsonValue } from '../domain.js';
import { resolveBin } from './bin.js';
import { SpecError } from './errors.js';
import { ALL_PLACEHOLDERS, ARGUMENT_PLACEHOLDERS, parseTemplate, type Placeholder, type PlaceholderKind } from './placeholders.js';
import type { MemberServerSpec } from './spec.js';

/** What placeholders resolve against: known only when an episode launches its server. */
export interface ResolveContext {
  sandboxDir: string;
  projectRoot: string;
  /** Read by `${env:NAME}`; normally the worker's process.env. */
  env: Readonly<Record<string, string | undefined>>;
}

export interface StdioLaunch {
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface HttpLaunch {
  transport: 'http';
  url: URL;
  headers: Record<string, string>;
}

export type LaunchConfig = StdioLaunch | HttpLaunch;

/** Fills in every placeholder of a parsed spec; throws SpecError for a missing package or variable. */
export function resolveLaunch(spec: MemberServerSpec, context: ResolveContext): LaunchConfig {
  const text = (value: string, field: string) => resolveString(value, field, context, ALL_PLACEHOLDERS);
  if (spec.transport === 'http') {
    const headers = Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, text(v, `server.headers.${k}`)]));
    return { transport: 'http', url: httpUrl(text(spec.url, 'server.url')), headers };
  }
  // Only the SDK's short list of harmless variables is inherited: a server sees no worker secret
  // unless the spec passes it on explicitly with ${env:NAME}.
  const inherited: Record<string, string> = {};
  for (const key of DEFAULT_INHERITED_ENV_VARS) {
    const value = context.env[key];
    if (value !== undefined) inherited[key] = value;
  }
  return {
    transport: 'stdio',
    command: spec.command,
    args: spec.args.map((arg, i) => text(arg, `server.args[${i}]`)),
    env: { ...inherited, ...Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, text(v, `server.env.${k}`)])) },
    cwd: spec.cwd === undefined ? resolve(context.sandboxDir) : resolve(context.sandboxDir, text(spec.cwd, 'server.cwd')),
  };
}

/** Fills in `${sandbox}` and `${project}` in the strings of tool arguments (setup calls, hints). */
export function resolveArguments(value: JsonObject, field: string, context: ResolveContext): JsonObject {
  return resolveJson(value, field, context) as JsonObject;
}

function resolveJson(value: JsonValue, field: string, context: ResolveContext): JsonValue {
  if (typeof value === 'string') return resolveString(value, field, context, ARGUMENT_PLACEHOLDERS);
  if (Array.isArray(value)) return value.map((item, i) => resolveJson(item, `${field}[${i}]`, context));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveJson(v, `${field}.${k}`, context)]));
}

function resolveString(text: string, field: string, context: ResolveContext, allowed: readonly PlaceholderKind[]): string {
  return parseTemplate(text, field, allowed)
    .map((part) => (typeof part === 'string' ? part : valueOf(part, field, context)))
    .join('');
}

function valueOf(placeholder: Placeholder, field: string, context: ResolveContext): string {
  switch (placeholder.kind) {
    case 'sandbox':
      return resolve(context.sandboxDir);
    case 'project':
      return resolve(context.projectRoot);
    case 'bin':
      return resolveBin(placeholder.pkg, resolve(context.projectRoot), field);
    case 'env': {
      const value = context.env[placeholder.name];
      if (value === undefined) {
        throw new SpecError(field, `${field} needs environment variable ${placeholder.name}, which the worker does not have: export ${placeholder.name} before starting the worker`);
      }
      return value;
    }
  }
}

/** The resolved text stays out of the message: it may hold a secret from `${env:…}`. */
function httpUrl(text: string): URL {
  const fix = 'make it an absolute http:// or https:// URL once its placeholders are filled in';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SpecError('server.url', `server.url does not resolve to a URL: ${fix}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SpecError('server.url', `server.url resolves to a ${url.protocol} URL: ${fix}`);
  }
  return url;
}
