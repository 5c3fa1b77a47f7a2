import type { JsonObject, JsonValue } from '../domain.js';
import { SpecError } from './errors.js';
import { parseServerName, parseServerSpec, type CompositeServerSpec, type MemberServerSpec, type SetupCall } from './spec.js';
import { describeValue, expectObject, rejectUnknownKeys } from './spec-fields.js';

/**
 * A composite server: several servers run side by side as one, each in its own part of the
 * episode's sandbox, their tools offered as `<server>__<tool>`. Cross-server episodes run on one,
 * so every stage that works on a server works on them unchanged.
 */

/** Between a member's name and its tool's: `memory__read_graph`. Member names cannot hold it. */
export const MEMBER_SEPARATOR = '__';

const SANDBOX = '${sandbox}';

/** The name a member's tool has in the composite. */
export function memberToolName(member: string, tool: string): string {
  return `${member}${MEMBER_SEPARATOR}${tool}`;
}

/** A member's tool's own name, given its composite name and member (see ToolDefinition.server). */
export function ownToolName(tool: { name: string; server?: string }): string {
  return tool.server && tool.name.startsWith(memberToolName(tool.server, '')) ? tool.name.slice(memberToolName(tool.server, '').length) : tool.name;
}

/** The member serving a composite tool, and the tool's own name there; undefined for no member's tool. */
export function memberOf(spec: CompositeServerSpec, tool: string): { member: MemberServerSpec; tool: string } | undefined {
  for (const member of spec.servers) {
    const prefix = memberToolName(member.name, '');
    if (tool.startsWith(prefix)) return { member, tool: tool.slice(prefix.length) };
  }
  return undefined;
}

/** Whether two composite tools belong to different members, one of them in the spec's focus if it has one. */
export function crossesMembers(spec: CompositeServerSpec, from: string, to: string): boolean {
  const a = memberOf(spec, from)?.member.name;
  const b = memberOf(spec, to)?.member.name;
  if (a === undefined || b === undefined || a === b) return false;
  return !spec.focus || spec.focus.includes(a) || spec.focus.includes(b);
}

/** The composite's spec as a run input (`server`), from its members' specs as given. */
export function compositeSpecInput(name: string, members: unknown[], focus?: string[]): JsonObject {
  return { name, transport: 'composite', servers: members as JsonValue[], ...(focus ? { focus } : {}) };
}

function parseFocus(value: unknown, servers: MemberServerSpec[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new SpecError('server.focus', `server.focus must list member names, not ${describeValue(value)}: or remove it to explore between all members`);
  }
  value.forEach((name, i) => {
    if (!servers.some((m) => m.name === name)) throw new SpecError(`server.focus[${i}]`, `server.focus[${i}] is "${name}", which is not a member: the members are ${servers.map((m) => m.name).join(', ')}`);
  });
  return value;
}

/** Parses `server` with transport "composite": each member is a full server spec of its own. */
export function parseCompositeSpec(raw: Record<string, unknown>): CompositeServerSpec {
  rejectUnknownKeys(raw, ['name', 'description', 'transport', 'servers', 'focus'], 'server');
  const name = parseServerName(raw.name);
  if (!Array.isArray(raw.servers) || raw.servers.length < 2) {
    throw new SpecError('server.servers', `server.servers must list two or more server specs, not ${describeValue(raw.servers)}: a composite runs several servers side by side`);
  }
  const servers = raw.servers.map((entry, i) => parseMember(entry, i));
  servers.forEach((member, i) => {
    if (member.name.includes(MEMBER_SEPARATOR)) {
      throw new SpecError(`server.servers[${i}].name`, `server.servers[${i}].name "${member.name}" holds "${MEMBER_SEPARATOR}", which separates a member from its tools: rename it`);
    }
    if (servers.findIndex((other) => other.name === member.name) !== i) {
      throw new SpecError(`server.servers[${i}].name`, `server.servers[${i}].name "${member.name}" is taken by another member: give each member its own name`);
    }
  });
  const focus = raw.focus === undefined ? undefined : parseFocus(raw.focus, servers);
  return {
    name,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    transport: 'composite',
    servers,
    ...(focus ? { focus } : {}),
    setup: servers.flatMap((m) => m.setup.map((call): SetupCall => ({ tool: memberToolName(m.name, call.tool), arguments: inMemberSandbox(call.arguments, m.name) as JsonObject }))),
    argumentHints: mergedHints(servers),
    // Members start side by side and each call goes to one of them.
    callTimeoutMs: Math.max(...servers.map((m) => m.callTimeoutMs)),
    startupTimeoutMs: Math.max(...servers.map((m) => m.startupTimeoutMs)),
    exclude: servers.flatMap((m) => m.exclude.map((tool) => memberToolName(m.name, tool))),
  };
}

function parseMember(entry: unknown, i: number): MemberServerSpec {
  const field = `server.servers[${i}]`;
  expectObject(entry, field, 'give each member as a server spec object');
  try {
    const member = parseServerSpec(entry);
    if (member.transport === 'composite') throw new SpecError(`${field}.transport`, `${field} is a composite itself: list its servers directly`);
    return member;
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    // The member's fields are named from its own root: say where it sits in the composite.
    const at = (text: string) => text.replaceAll(/\bserver(?=[.[\s]|$)/g, field);
    throw new SpecError(at(error.field), at(error.message));
  }
}

/**
 * Hints by parameter name apply across members (a name one server returns may be what another
 * takes); hints for one tool (`tool.param`) keep to the member's tool.
 */
function mergedHints(servers: MemberServerSpec[]): Record<string, JsonValue[]> {
  const hints: Record<string, JsonValue[]> = {};
  for (const member of servers) {
    for (const [key, values] of Object.entries(member.argumentHints)) {
      const scoped = key.includes('.') ? memberToolName(member.name, key) : key;
      const merged = [...(hints[scoped] ?? []), ...(inMemberSandbox(values, member.name) as JsonValue[])];
      hints[scoped] = merged.filter((value, j) => merged.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) === j);
    }
  }
  return hints;
}

/** A member's `${sandbox}` is its own part of the composite's sandbox. */
function inMemberSandbox(value: JsonValue, member: string): JsonValue {
  if (typeof value === 'string') return value.replaceAll(SANDBOX, `${SANDBOX}/${member}`);
  if (Array.isArray(value)) return value.map((v) => inMemberSandbox(v, member));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inMemberSandbox(v, member)]));
  return value;
}
