import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunPolicy } from '../../../activities/run-policy.js';
import { SpecError } from '../../../src/mcp/errors.js';

const root = mkdtempSync(join(tmpdir(), 'firefly-policy-file-'));
writeFileSync(join(root, 'policy.json'), JSON.stringify({ servers: { memory: { deny: ['delete_*'] } }, default: { allowDestructive: true } }));
writeFileSync(join(root, 'broken.json'), '{"servers": ');
writeFileSync(join(root, 'typo.json'), JSON.stringify({ servers: { memory: { deny: [42] } } }));

describe('resolveRunPolicy', () => {
  it('reads policyFile relative to the project root, or absolute, and names the file in the policy', async () => {
    for (const policyFile of ['policy.json', join(root, 'policy.json')]) {
      const policy = await resolveRunPolicy({ policyFile }, 'memory', root);
      expect(policy).toMatchObject({ source: `policy file ${join(root, 'policy.json')}`, allowDestructive: true });
      expect(policy.deny).toEqual([{ pattern: 'delete_*', field: 'policy.servers.memory.deny[0]' }]);
    }
  });

  it('lets the input\'s allowDestructive override the file', async () => {
    expect(await resolveRunPolicy({ policyFile: 'policy.json', allowDestructive: false }, 'memory', root)).toMatchObject({
      allowDestructive: false,
      allowDestructiveFrom: 'input.allowDestructive',
    });
  });

  it.each([
    { problem: 'a missing file', policyFile: 'nowhere.json', field: 'input.policyFile', message: /nowhere\.json.*ENOENT.*project root/ },
    { problem: 'a file that is not JSON', policyFile: 'broken.json', field: 'input.policyFile', message: /broken\.json is not JSON/ },
    { problem: 'a bad pattern in the file', policyFile: 'typo.json', field: 'policy.servers.memory.deny[0]', message: /typo\.json: policy\.servers\.memory\.deny\[0\] must be a string/ },
  ])('refuses $problem with a SpecError naming $field', async ({ policyFile, field, message }) => {
    const error = await resolveRunPolicy({ policyFile }, 'memory', root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).field).toBe(field);
    expect((error as SpecError).message).toMatch(message);
  });
});
