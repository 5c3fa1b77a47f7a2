import { describe, expect, it } from 'vitest';
import { runStaticDetails, runStaticSummary } from '../../src/run-start-text.js';

describe('a run’s summary and details in the Web UI', () => {
  it('name the server, sub-DAG count, seed and planner, with the defaults filled in', () => {
    expect(runStaticSummary({ server: { name: 'memory' } })).toBe("memory · 12 sub-DAGs · seed 1 · worker's default planner");
    expect(runStaticSummary({ server: { name: 'fs' }, subDagCount: 3, seed: 7, llm: { provider: 'anthropic' } })).toBe('fs · 3 sub-DAGs · seed 7 · anthropic models');
    expect(runStaticSummary({ server: {}, llm: { provider: 'openai-compatible', model: 'qwen3-4b' } })).toBe("server · 12 sub-DAGs · seed 1 · openai-compatible qwen3-4b");
  });

  it('show the input as a table and never the server spec’s values', () => {
    const details = runStaticDetails({ server: { name: 'memory', env: { API_TOKEN: 'secret-value' } }, policyFile: 'policy.json', allowDestructive: false });
    expect(details).toContain('| policy | policy.json |');
    expect(details).toContain('| destructive tools | refused |');
    expect(details).not.toContain('secret-value');
  });
});
