import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachePath } from '../../../src/cli/simulate.js';
import { parseSimulateOptions } from '../../../src/cli/simulate-options.js';
import { UsageError } from '../../../src/cli/usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firefly-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('firefly simulate flags', () => {
  it('defaults to stdio, loopback, a free port and threshold 0.5', () => {
    expect(parseSimulateOptions(['--dataset', 'd'])).toEqual({ dataset: 'd', transport: 'stdio', host: '127.0.0.1', port: 0, threshold: 0.5 });
    expect(parseSimulateOptions(['--dataset=d', '--http', '--port', '8080', '--host', '0.0.0.0', '--threshold', '0.8'])).toEqual({
      dataset: 'd', transport: 'http', host: '0.0.0.0', port: 8080, threshold: 0.8,
    });
  });

  it.each([
    [['--dataset', 'd', '--verbose'], /unknown flag --verbose: firefly simulate takes --dataset, --http/],
    [['d'], /unexpected argument d/],
    [[], /--dataset is missing: give the dataset directory/],
    [['--dataset'], /--dataset needs a value/],
    [['--dataset', 'd', '--port', '80'], /--port applies to HTTP only: add --http/],
    [['--dataset', 'd', '--http', '--port=-1'], /--port -1 is not a port/],
    [['--dataset', 'd', '--http', '--port=8.5'], /--port 8.5 is not a port/],
    [['--dataset', 'd', '--http', '--port', '70000'], /--port 70000 is not a port/],
    [['--dataset', 'd', '--threshold', '2'], /--threshold 2 is not a similarity: give a number from 0 to 1/],
    [['--dataset', 'd', '--threshold', 'high'], /--threshold high is not a similarity/],
  ])('refuses %j, naming the flag and the fix', (argv, message) => {
    expect(() => parseSimulateOptions(argv)).toThrow(UsageError);
    expect(() => parseSimulateOptions(argv)).toThrow(message);
  });

  it('finds DIR/simulator.sqlite, or takes the file itself, and says what is missing', () => {
    expect(() => cachePath(join(dir, 'nowhere'))).toThrow(/--dataset .*nowhere does not exist/);
    expect(() => cachePath(dir)).toThrow(/has no simulator.sqlite: give the directory a dataset export wrote/);
    writeFileSync(join(dir, 'simulator.sqlite'), '');
    expect(cachePath(dir)).toBe(join(dir, 'simulator.sqlite'));
    expect(cachePath(join(dir, 'simulator.sqlite'))).toBe(join(dir, 'simulator.sqlite'));
  });
});
