import { describe, expect, it } from 'vitest';
import type { DiscoveredTool } from '../../../src/domain.js';
import { SpecError } from '../../../src/mcp/errors.js';
import { applyPolicy } from '../../../src/policy/apply.js';
import { decide } from '../../../src/policy/decide.js';
import { effectivePolicy } from '../../../src/policy/effective.js';
import { parsePolicy } from '../../../src/policy/parse.js';
import { matchesPattern } from '../../../src/policy/pattern.js';
import { checkSetupCalls } from '../../../src/policy/setup.js';
import { storedPolicy } from '../../../src/policy/stored.js';

const destructive = { destructiveHint: true } as const;
const tool = (name: string, annotations?: DiscoveredTool['annotations']): DiscoveredTool => ({
  name,
  description: name,
  inputSchema: { type: 'object' },
  usable: true,
  ...(annotations ? { annotations } : {}),
});

/** The SpecError `attempt` throws, for checks of its field and message. */
function specError(attempt: () => unknown): SpecError {
  try {
    attempt();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError, got none');
}

describe('parsePolicy', () => {
  it('accepts the documented format', () => {
    const document = parsePolicy({
      description: 'development fleet',
      servers: { memory: { allow: ['*'], deny: ['delete_entities'], allowDestructive: true } },
      default: { allowDestructive: false },
    });
    expect(document.servers.memory).toEqual({ allow: ['*'], deny: ['delete_entities'], allowDestructive: true });
    expect(document.default).toEqual({ allowDestructive: false });
  });

  it('accepts an empty policy and entries for servers the run does not use', () => {
    expect(parsePolicy({})).toEqual({ default: {}, servers: {} });
    expect(parsePolicy({ servers: { 'not-in-this-run': { deny: ['*'] } } }).servers['not-in-this-run']).toEqual({ deny: ['*'] });
  });

  it.each([
    { problem: 'not an object', input: [], field: 'policy' },
    { problem: 'an unknown top-level key', input: { server: {} }, field: 'policy.server' },
    { problem: 'servers not an object', input: { servers: ['memory'] }, field: 'policy.servers' },
    { problem: 'an entry not an object', input: { servers: { memory: true } }, field: 'policy.servers.memory' },
    { problem: 'an unknown entry key', input: { servers: { memory: { denied: ['x'] } } }, field: 'policy.servers.memory.denied' },
    { problem: 'a pattern list that is a string', input: { default: { allow: 'read_*' } }, field: 'policy.default.allow' },
    { problem: 'a pattern that is not a string', input: { servers: { memory: { deny: ['ok', 3] } } }, field: 'policy.servers.memory.deny[1]' },
    { problem: 'an empty pattern', input: { servers: { memory: { allow: [''] } } }, field: 'policy.servers.memory.allow[0]' },
    { problem: 'a pattern with the server prefix', input: { servers: { memory: { deny: ['memory/delete_*'] } } }, field: 'policy.servers.memory.deny[0]' },
    { problem: 'allowDestructive as a string', input: { default: { allowDestructive: 'yes' } }, field: 'policy.default.allowDestructive' },
  ])('refuses $problem, naming $field', ({ input, field }) => {
    const error = specError(() => parsePolicy(input));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    // Every message says what to do, after a colon.
    expect(error.message).toMatch(/: \S/);
  });

  it('lists the valid keys when one is unknown', () => {
    expect(specError(() => parsePolicy({ servers: { memory: { allowDestructve: true } } })).message).toMatch(/allow, deny, allowDestructive/);
  });
});

describe('matchesPattern', () => {
  it.each([
    ['*', 'anything', true],
    ['read_*', 'read_file', true],
    ['read_*', 'unread_file', false],
    ['read_?ile', 'read_file', true],
    ['delete_entities', 'delete_entities', true],
    ['delete_entities', 'delete_entities_now', false],
    ['a.b', 'axb', false],
    ['get-*', 'get-sum', true],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });
});

describe('decide', () => {
  it('refuses destructive tools by default and allows the rest', () => {
    const policy = effectivePolicy('memory');
    expect(decide(policy, tool('read_graph', { readOnlyHint: true }))).toEqual({ allowed: true });
    const refused = decide(policy, tool('delete_entities', destructive));
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toMatch(/destructiveHint.*"allowDestructive": true/);
    // Only an explicit destructiveHint: true counts; an unannotated tool is judged by its name.
    expect(decide(policy, tool('delete_task'))).toEqual({ allowed: true });
  });

  it('allows destructive tools once the run allows them', () => {
    expect(decide(effectivePolicy('memory', { allowDestructive: true }), tool('delete_entities', destructive))).toEqual({ allowed: true });
  });

  it('deny beats allow, naming the pattern and its field', () => {
    const document = parsePolicy({ servers: { memory: { allow: ['*', 'delete_entities'], deny: ['delete_*'], allowDestructive: true } } });
    const decision = decide(effectivePolicy('memory', { document }), tool('delete_entities', destructive));
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.reason).toContain('policy.servers.memory.deny[0] "delete_*" (input.policy)');
  });

  it('refuses a tool no allow pattern matches, saying how to allow it', () => {
    const document = parsePolicy({ servers: { memory: { allow: ['read_*', 'search_nodes'] } } });
    const policy = effectivePolicy('memory', { document, source: 'policy file /etc/firefly/policy.json' });
    expect(decide(policy, tool('search_nodes'))).toEqual({ allowed: true });
    const decision = decide(policy, tool('create_entities'));
    expect(!decision.allowed && decision.reason).toMatch(/policy\.servers\.memory\.allow \(policy file \/etc\/firefly\/policy\.json\).*add "create_entities"/);
  });
});

describe('effectivePolicy', () => {
  const document = parsePolicy({
    servers: { memory: { allow: ['read_*'], deny: ['read_secret'], allowDestructive: true } },
    default: { allow: ['*'], deny: ['drop_*'], allowDestructive: false },
  });

  it('adds deny lists up, lets the server replace allow, and takes allowDestructive from the closest setting', () => {
    const memory = effectivePolicy('memory', { document });
    expect(memory.deny.map((r) => r.pattern)).toEqual(['drop_*', 'read_secret']);
    expect(memory.allow).toEqual([{ pattern: 'read_*', field: 'policy.servers.memory.allow[0]' }]);
    expect(memory).toMatchObject({ allowDestructive: true, allowDestructiveFrom: 'policy.servers.memory.allowDestructive' });

    const other = effectivePolicy('filesystem', { document });
    expect(other.allow.map((r) => r.pattern)).toEqual(['*']);
    expect(other).toMatchObject({ allowDestructive: false, allowDestructiveFrom: 'policy.default.allowDestructive' });

    expect(effectivePolicy('memory', { document, allowDestructive: false })).toMatchObject({ allowDestructive: false, allowDestructiveFrom: 'input.allowDestructive' });
  });

  it('with no policy at all: every tool by name, no destructive tool', () => {
    expect(effectivePolicy('memory')).toMatchObject({ source: 'no policy', deny: [], allowDestructive: false });
  });

  it('is read back from the run options as stored, and defaults to the safe policy when absent', () => {
    const policy = effectivePolicy('memory', { document, allowDestructive: true });
    expect(storedPolicy(JSON.parse(JSON.stringify({ seed: 1, effectivePolicy: policy })), 'memory')).toEqual(policy);
    expect(storedPolicy({ seed: 1 }, 'memory')).toEqual(effectivePolicy('memory'));
  });
});

describe('applyPolicy', () => {
  const tools = [tool('read_graph'), tool('create_entities'), tool('delete_entities', destructive), { ...tool('get-env'), usable: false, skipReason: 'listed in server.exclude' }];

  it('marks refused tools unusable with the reason and keeps earlier reasons', () => {
    const document = parsePolicy({ servers: { memory: { deny: ['create_*'] } } });
    const { tools: decided } = applyPolicy(tools, effectivePolicy('memory', { document }));
    const byName = Object.fromEntries(decided.map((t) => [t.name, t]));
    expect(byName.read_graph).toMatchObject({ usable: true });
    expect(byName.read_graph).not.toHaveProperty('skipReason');
    expect(byName.create_entities).toMatchObject({ usable: false, skipReason: expect.stringContaining('policy.servers.memory.deny[0]') });
    expect(byName.delete_entities).toMatchObject({ usable: false, skipReason: expect.stringContaining('destructive') });
    expect(byName['get-env']).toMatchObject({ usable: false, skipReason: 'listed in server.exclude' });
  });

  it('warns about patterns that match no tool of the server, and only about those', () => {
    const document = parsePolicy({ servers: { memory: { allow: ['read_*', 'create_*', 'raed_*'], deny: ['delete_entity'] } } });
    const { warnings } = applyPolicy(tools, effectivePolicy('memory', { document }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/policy\.servers\.memory\.allow\[2\] "raed_\*".*matches no tool of server "memory"/);
    expect(warnings[1]).toMatch(/policy\.servers\.memory\.deny\[0\] "delete_entity"/);
  });
});

describe('checkSetupCalls', () => {
  const setup = [{ tool: 'create_entities' }, { tool: 'delete_entities' }];

  it('refuses, by name, a setup call the policy denies', () => {
    const document = parsePolicy({ servers: { memory: { deny: ['delete_*'] } } });
    const error = specError(() => checkSetupCalls(setup, effectivePolicy('memory', { document })));
    expect(error.field).toBe('server.setup[1].tool');
    expect(error.message).toMatch(/"delete_entities".*deny\[0\].*remove the call from server\.setup/);
  });

  it('refuses a setup call to a destructive tool once annotations are known, unless allowed', () => {
    const annotations = new Map([['delete_entities', destructive]]);
    expect(() => checkSetupCalls(setup, effectivePolicy('memory'))).not.toThrow();
    expect(specError(() => checkSetupCalls(setup, effectivePolicy('memory'), annotations)).field).toBe('server.setup[1].tool');
    expect(() => checkSetupCalls(setup, effectivePolicy('memory', { allowDestructive: true }), annotations)).not.toThrow();
  });
});
