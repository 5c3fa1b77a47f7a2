import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { GenerateServerDatasetInput } from '../../../src/api.js';
import { runOptions } from '../../../workflows/options.js';

const server = { name: 'memory', command: 'node' };
const input = (extra: object) => ({ server, ...extra }) as GenerateServerDatasetInput;

describe('the workflow input\'s safety fields', () => {
  it('are optional: nothing set means no destructive tool and no policy', () => {
    const options = runOptions(input({}));
    expect(options).not.toHaveProperty('allowDestructive');
    expect(options).not.toHaveProperty('policy');
  });

  it('pass through when well formed', () => {
    const policy = { servers: { memory: { deny: ['delete_*'] } } };
    expect(runOptions(input({ allowDestructive: true, policy }))).toMatchObject({ allowDestructive: true, policy });
    expect(runOptions(input({ policyFile: 'policies/dev.json' }))).toMatchObject({ policyFile: 'policies/dev.json' });
  });

  it.each([
    { problem: 'allowDestructive as a string', extra: { allowDestructive: 'yes' }, names: 'input.allowDestructive' },
    { problem: 'policy as an array', extra: { policy: ['delete_*'] }, names: 'input.policy' },
    { problem: 'policyFile empty', extra: { policyFile: ' ' }, names: 'input.policyFile' },
    { problem: 'both policy and policyFile', extra: { policy: {}, policyFile: 'p.json' }, names: 'input.policyFile' },
  ])('refuse $problem, naming $names', ({ extra, names }) => {
    const failure = (() => {
      try {
        runOptions(input(extra));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toContain(names);
  });
});
