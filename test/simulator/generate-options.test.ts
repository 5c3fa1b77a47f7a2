import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSimulateOptions } from '../../src/cli/simulate-options.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { ANTHROPIC_DEFAULT_MODELS } from '../../src/llm/config.js';

const dir = mkdtempSync(join(tmpdir(), 'firefly-generate-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('firefly simulate --generate and --llm', () => {
  const withKey = { ANTHROPIC_API_KEY: 'sk-ant-x' };

  it('generates with Anthropic by default when its key is set, the simulate stage choosing the model', () => {
    const options = parseSimulateOptions(['--dataset', 'd', '--generate'], withKey);
    expect(options.generate).toMatchObject({ provider: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY' });
    expect(options.generate?.models.simulate).toBe(ANTHROPIC_DEFAULT_MODELS.simulate);
    expect(parseSimulateOptions(['--dataset', 'd'], withKey).generate, 'never without the flag').toBeUndefined();
  });

  it('takes --llm as JSON or as a file holding it, resolved like a run\'s llm setting', () => {
    const llm = { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen3:8b', models: { simulate: 'qwen3:4b' } };
    const inline = parseSimulateOptions(['--dataset', 'd', '--generate', '--llm', JSON.stringify(llm)], {});
    expect(inline.generate).toMatchObject({ provider: 'openai-compatible', baseURL: llm.baseURL, models: { simulate: 'qwen3:4b', judge: 'qwen3:8b' } });
    const file = join(dir, 'llm.json');
    writeFileSync(file, JSON.stringify(llm));
    expect(parseSimulateOptions(['--dataset', 'd', '--generate', '--llm', file], {}).generate).toEqual(inline.generate);
    expect(parseSimulateOptions(['--dataset', 'd', '--http', '--generate', '--llm', file], {})).toMatchObject({ transport: 'http', generate: inline.generate });
  });

  it.each([
    [['--llm', '{"provider":"anthropic"}'], {}, /--llm applies to --generate only: add --generate, or remove --llm/],
    [['--generate'], {}, /--generate needs a model, and without --llm the default is Anthropic, but ANTHROPIC_API_KEY is not set/],
    [['--generate', '--llm', '{"provider":"offline"}'], withKey, /--generate needs a model, and --llm says provider offline/],
    [['--generate', '--llm', '{"provider":"anthropic"'], withKey, /--llm JSON does not parse .*: write it as JSON/],
    [['--generate', '--llm', join(dir, 'missing.json')], withKey, /is neither JSON \(it does not start with \{\) nor a readable file \(ENOENT\)/],
    [['--generate', '--llm', '{"provider":"openai-compatible"}'], {}, /--llm: llm\.baseURL: is required for provider 'openai-compatible'/],
    [['--generate', '--llm', '{"provider":"anthropic","modle":"x"}'], withKey, /--llm: llm\.modle: is not a known field/],
    [['--generate', '--llm', '{"provider":"anthropic"}'], {}, /--llm: llm\.apiKeyEnv: provider 'anthropic' reads its key from ANTHROPIC_API_KEY, which is not set/],
  ] as Array<[string[], Record<string, string>, RegExp]>)('refuses %j, saying what to do', (flags, env, message) => {
    const attempt = () => parseSimulateOptions(['--dataset', 'd', ...flags], env);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});
