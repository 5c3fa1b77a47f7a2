import { describe, expect, it } from 'vitest';
import { assignToolNames, OFFERED_NAME_PATTERN as TOOL_NAME_PATTERN, sanitizeToolName } from '../../../src/export/tool-names.js';
import { toolCatalog } from '../../../src/export/tool-catalog.js';
import type { DiscoveredTool } from '../../../src/domain.js';

const tool = (name: string, usable = true): DiscoveredTool => ({
  name,
  description: `the ${name} tool`,
  inputSchema: { type: 'object', properties: {} },
  usable,
  ...(usable ? {} : { skipReason: 'needs a login' }),
});

describe('sanitizeToolName', () => {
  it('keeps names that are already acceptable', () => {
    expect(sanitizeToolName('create_entities')).toBe('create_entities');
  });

  it('makes identifiers of names with hyphens or a leading digit, so adapters that bind tools as methods keep them', () => {
    expect(sanitizeToolName('get-user-2')).toBe('get_user_2');
    expect(sanitizeToolName('2fa-check')).toBe('_2fa_check');
    expect(sanitizeToolName('knowledge-graph__create_entities')).toMatch(TOOL_NAME_PATTERN);
  });

  it('replaces every other character with _ and cuts to 64', () => {
    expect(sanitizeToolName('files.read text')).toBe('files_read_text');
    expect(sanitizeToolName('météo/prévision')).toBe('m_t_o_pr_vision');
    expect(sanitizeToolName('x'.repeat(100))).toHaveLength(64);
    expect(sanitizeToolName('')).toBe('tool');
  });
});

describe('assignToolNames', () => {
  it('gives tools that sanitise alike distinct, valid names, whatever the input order', () => {
    const names = ['get.user', 'get user', 'get_user', 'list_users'];
    const assigned = assignToolNames(names);
    const offered = names.map((n) => assigned.get(n)!);
    expect(new Set(offered).size).toBe(4);
    for (const name of offered) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(assigned.get('list_users')).toBe('list_users');
    for (const n of ['get.user', 'get user', 'get_user']) expect(assigned.get(n)).toMatch(/^get_user_[0-9a-f]{8}$/);
    expect([...assignToolNames([...names].reverse())].sort()).toEqual([...assigned].sort());
  });

  it('tells apart long names that share their first 64 characters, within 64 characters', () => {
    const prefix = 'a'.repeat(70);
    const assigned = assignToolNames([`${prefix}_one`, `${prefix}_two`]);
    const [one, two] = [assigned.get(`${prefix}_one`)!, assigned.get(`${prefix}_two`)!];
    expect(one).not.toBe(two);
    expect(one).toMatch(TOOL_NAME_PATTERN);
    expect(two).toMatch(TOOL_NAME_PATTERN);
  });

  it('never hands a suffixed name to a tool when another tool already has it plainly', () => {
    const colliding = assignToolNames(['a.b', 'a b']);
    const squatter = colliding.get('a.b')!;
    const assigned = assignToolNames(['a.b', 'a b', squatter]);
    expect(assigned.get(squatter)).toBe(squatter);
    expect(assigned.get('a.b')).not.toBe(squatter);
    expect(new Set(assigned.values()).size).toBe(3);
  });
});

describe('toolCatalog', () => {
  it('offers the usable tools by sanitised name, with the map back to server/tool', () => {
    const catalog = toolCatalog('web', [tool('fetch.page'), tool('fetch_page'), tool('login', false), tool('search')]);
    expect(catalog.offered.map((t) => t.qualified).sort()).toEqual(['web/fetch.page', 'web/fetch_page', 'web/search']);
    expect(Object.values(catalog.nameMap).sort()).toEqual(['web/fetch.page', 'web/fetch_page', 'web/search']);
    for (const [name, qualified] of Object.entries(catalog.nameMap)) expect(catalog.byTool.get(qualified.slice(4))!.name).toBe(name);
    expect(catalog.unusable.get('login')).toBe('needs a login');
    expect(catalog.offered.map((t) => t.name)).toEqual([...catalog.offered.map((t) => t.name)].sort());
  });
});
