import { describe, expect, it } from 'vitest';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { canonicalArguments } from '../../../src/simulator/canonical.js';
import { changesState, INITIAL_STATE, nextState, statesBefore } from '../../../src/simulator/state.js';
import { entity, handMadeInput, SETUP, tools } from './fixtures.js';

const byName = new Map(tools.map((t) => [t.name, t]));
const afterSetup = nextState(INITIAL_STATE, SETUP.tool, canonicalArguments(SETUP.arguments));

describe('state keys', () => {
  it('treats every tool not annotated readOnlyHint: true as state-changing, unknown ones too', () => {
    expect(changesState(byName.get('read_graph'))).toBe(false);
    expect(changesState(byName.get('create_entities'))).toBe(true);
    expect(changesState(byName.get('delete_entities'))).toBe(true);
    expect(changesState(undefined)).toBe(true);
  });

  it('chains a hash over (previous, tool, canonical arguments): 32 hex digits, order-sensitive', () => {
    const a = nextState('', 'create_entities', '{"x":1}');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(nextState(a, 'create_entities', '{"x":2}')).not.toBe(nextState(nextState('', 'create_entities', '{"x":2}'), 'create_entities', '{"x":1}'));
    // The separator keeps the parts apart: moving characters between them changes the hash.
    expect(nextState('', 'ab', 'c')).not.toBe(nextState('', 'a', 'bc'));
  });

  it('advances on setup and successful writes; read-only and failed calls leave it', () => {
    const states = statesBefore(
      [
        { tool: 'create_entities', arguments: SETUP.arguments, isError: false }, // setup
        { tool: 'read_graph', arguments: {}, isError: false },
        { tool: 'create_entities', arguments: { entities: [{ name: 'Bad' }] }, isError: true },
        { tool: 'open_nodes', arguments: { names: ['Ada'] }, isError: false },
        { tool: 'create_entities', arguments: { entities: [entity('Bob')] }, isError: false },
        { tool: 'read_graph', arguments: {}, isError: false },
      ],
      byName,
    );
    expect(states[0]).toBe(INITIAL_STATE);
    expect(states[1]).toBe(afterSetup);
    expect(states[2]).toBe(afterSetup);
    expect(states[3]).toBe(afterSetup);
    expect(states[4]).toBe(afterSetup);
    expect(states[5]).toBe(nextState(afterSetup, 'create_entities', canonicalArguments({ entities: [entity('Bob')] })));
  });

  it('gives recorded calls the state of their own episode, and episodes start after the setup calls', () => {
    const cache = SimulatorCache.fromRecording(handMadeInput());
    expect(cache.initialState).toBe(afterSetup);
    const at = (subDag: number, step: number) => cache.entries.find((e) => e.source.subDagIndex === subDag && e.source.step === step);
    expect(at(-1, 0)?.state).toBe(INITIAL_STATE);
    expect(at(-1, 1)?.state).toBe(afterSetup);
    expect(at(-1, 3)?.state).not.toBe(afterSetup);
    expect(at(0, 3)?.state).toBe(afterSetup); // after a failed write
    expect(cache.parentOf(at(-1, 3)!.state)).toBe(afterSetup);
  });

  it('does not advance past a setup call whose recording failed', () => {
    const input = handMadeInput();
    input.calls = input.calls.map((c) => (c.phase === 'setup' ? { ...c, isError: true } : c));
    expect(SimulatorCache.fromRecording(input).initialState).toBe(INITIAL_STATE);
  });
});
