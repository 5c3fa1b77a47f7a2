import { describe, expect, it } from 'vitest';
import { UsageLedger } from '../../../src/llm/usage-ledger.js';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

function sampleLedger(): UsageLedger {
  const ledger = new UsageLedger();
  ledger.add('judge', 'claude-haiku-4-5', usage(1000, 200, 0, 500));
  ledger.add('judge', 'claude-haiku-4-5', usage(100, 50, 500, 0));
  ledger.add('explore', 'claude-sonnet-4-6', usage(2000, 400));
  ledger.add('agent', 'qwen3:8b', usage(700, 70));
  return ledger;
}

describe('UsageLedger', () => {
  it('adds usage and cost per stage, per model and in total', () => {
    const ledger = sampleLedger();
    const haiku = (1100 * 1 + 250 * 5 + 500 * 0.1 + 500 * 1.25) / 1e6;
    const sonnet = (2000 * 3 + 400 * 15) / 1e6;
    expect(ledger.byStage().judge).toEqual({ calls: 2, inputTokens: 1100, outputTokens: 250, cacheReadTokens: 500, cacheWriteTokens: 500, costUsd: haiku });
    expect(ledger.byModel()['claude-sonnet-4-6']?.costUsd).toBeCloseTo(sonnet, 9);
    expect(ledger.total()).toMatchObject({ calls: 4, inputTokens: 3800, outputTokens: 720, cacheReadTokens: 500, cacheWriteTokens: 500 });
    expect(ledger.total().costUsd).toBeCloseTo(haiku + sonnet, 6);
  });

  it('lists the models it could not price instead of hiding them in a 0', () => {
    expect(sampleLedger().unpricedModels()).toEqual(['qwen3:8b']);
    expect(sampleLedger().byModel()['qwen3:8b']?.costUsd).toBe(0);
  });

  it('snapshots small, in a fixed order, and restores to the same ledger', () => {
    const snapshot = sampleLedger().snapshot();
    expect(snapshot.entries.map((entry) => entry.stage)).toEqual(['judge', 'explore', 'agent']);
    expect(JSON.stringify(snapshot).length).toBeLessThan(1200);
    const restored = UsageLedger.fromSnapshot(JSON.parse(JSON.stringify(snapshot)));
    expect(restored.snapshot()).toEqual(snapshot);
  });

  it('merges snapshots whatever order they arrive in', () => {
    const a = new UsageLedger();
    a.add('synthesize', 'claude-sonnet-4-6', usage(10, 10));
    const b = new UsageLedger();
    b.add('judge', 'claude-haiku-4-5', usage(5, 5));
    const ab = new UsageLedger();
    ab.addSnapshot(a.snapshot());
    ab.addSnapshot(b.snapshot());
    const ba = new UsageLedger();
    ba.addSnapshot(b.snapshot());
    ba.addSnapshot(a.snapshot());
    expect(JSON.stringify(ab.snapshot())).toBe(JSON.stringify(ba.snapshot()));
    expect(ab.total().calls).toBe(2);
  });
});
