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
  const TOKEN = 'a'.repeat(16);
  const noEnv = {};

  it('defaults to stdio, loopback, a free port, threshold 0.5, no token and 1 MiB messages', () => {
    expect(parseSimulateOptions(['--dataset', 'd'], noEnv)).toEqual({ dataset: 'd', transport: 'stdio', host: '127.0.0.1', port: 0, threshold: 0.5, policy: 'strict', maxMessageBytes: 1_048_576, idleMs: 900_000, maxSessionsPerClient: 1000 });
    expect(parseSimulateOptions(['--dataset', 'd', '--http'], noEnv)).toEqual({ dataset: 'd', transport: 'http', host: '127.0.0.1', port: 0, threshold: 0.5, policy: 'strict', maxMessageBytes: 1_048_576, idleMs: 900_000, maxSessionsPerClient: 1000 });
    expect(
      parseSimulateOptions(['--dataset=d', '--http', '--port', '8080', '--host', '0.0.0.0', '--token', TOKEN, '--idle-minutes', '0.5', '--max-sessions-per-client', '7', '--policy', 'lenient', '--threshold', '0.8', '--max-message-bytes', '4096'], noEnv),
    ).toEqual({ dataset: 'd', transport: 'http', host: '0.0.0.0', port: 8080, threshold: 0.8, policy: 'lenient', token: TOKEN, maxMessageBytes: 4096, idleMs: 30_000, maxSessionsPerClient: 7 });
  });

  it.each([['0.0.0.0'], ['::'], ['[::]'], ['192.168.1.10'], ['10.0.0.1'], ['fe80::1'], ['example.com'], ['::ffff:10.0.0.1']])(
    'refuses --host %s without a token, naming --token, FIREFLY_SIMULATOR_TOKEN and loopback',
    (host) => {
      const attempt = () => parseSimulateOptions(['--dataset', 'd', '--http', '--host', host], noEnv);
      expect(attempt).toThrow(UsageError);
      expect(attempt).toThrow(`--host ${host} is not a loopback address`);
      expect(attempt).toThrow(/give --token T or set FIREFLY_SIMULATOR_TOKEN .*or bind this machine only with --host 127\.0\.0\.1/);
    },
  );

  it.each([['127.0.0.1'], ['127.0.0.2'], ['127.255.255.254'], ['::1'], ['[::1]'], ['localhost'], ['LOCALHOST'], ['::ffff:127.0.0.1']])('binds loopback %s without a token', (host) => {
    const options = parseSimulateOptions(['--dataset', 'd', '--http', '--host', host], noEnv);
    expect(options.host).toBe(host);
    expect(options.token).toBeUndefined();
  });

  it('takes the token from FIREFLY_SIMULATOR_TOKEN, --token first; on loopback too; ignores it over stdio', () => {
    const env = { FIREFLY_SIMULATOR_TOKEN: 'b'.repeat(20) };
    expect(parseSimulateOptions(['--dataset', 'd', '--http', '--host', '0.0.0.0'], env).token).toBe('b'.repeat(20));
    expect(parseSimulateOptions(['--dataset', 'd', '--http', '--token', TOKEN], env).token).toBe(TOKEN);
    expect(parseSimulateOptions(['--dataset', 'd', '--http'], env).token).toBe('b'.repeat(20));
    expect(parseSimulateOptions(['--dataset', 'd'], env).token).toBeUndefined();
    expect(() => parseSimulateOptions(['--dataset', 'd', '--http', '--host', '0.0.0.0'], { FIREFLY_SIMULATOR_TOKEN: '' })).toThrow(/not a loopback address/);
    expect(() => parseSimulateOptions(['--dataset', 'd', '--http'], { FIREFLY_SIMULATOR_TOKEN: 'short' })).toThrow(/FIREFLY_SIMULATOR_TOKEN is 5 characters: give at least 16/);
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
    [['--dataset', 'd', '--policy', 'lenient', '--threshold', '2'], /--threshold 2 is not a similarity: give a number from 0 to 1/],
    [['--dataset', 'd', '--policy', 'lenient', '--threshold', 'high'], /--threshold high is not a similarity/],
    [['--dataset', 'd', '--threshold', '0.5'], /--threshold applies to --policy lenient only/],
    [['--dataset', 'd', '--http', '--idle-minutes', '0'], /--idle-minutes 0 is not a duration/],
    [['--dataset', 'd', '--http', '--max-sessions-per-client', '0'], /--max-sessions-per-client 0 is not a count/],
    [['--dataset', 'd', '--idle-minutes', '5'], /--idle-minutes applies to HTTP only/],
    [['--dataset', 'd', '--policy', 'loose'], /--policy loose is not a policy: give strict \(the default\) or lenient/],
    [['--dataset', 'd', '--token', 'a'.repeat(16)], /--token applies to HTTP only: add --http/],
    [['--dataset', 'd', '--http', '--token'], /--token needs a value/],
    [['--dataset', 'd', '--http', '--token', 'short'], /--token is 5 characters: give at least 16, e.g. the output of openssl rand -hex 32/],
    [['--dataset', 'd', '--http', '--token', 'sixteen chars with spaces'], /--token has characters a bearer token cannot carry/],
    [['--dataset', 'd', '--max-message-bytes', '1MiB'], /--max-message-bytes 1MiB is not a size: give a whole number of bytes from 1024/],
    [['--dataset', 'd', '--max-message-bytes', '100'], /--max-message-bytes 100 is not a size/],
    [['--dataset', 'd', '--max-message-bytes', String(512 * 1024 * 1024)], /is not a size/],
  ])('refuses %j, naming the flag and the fix', (argv, message) => {
    expect(() => parseSimulateOptions(argv, {})).toThrow(UsageError);
    expect(() => parseSimulateOptions(argv, {})).toThrow(message);
  });

  it('finds DIR/simulator.sqlite, or takes the file itself, and says what is missing', () => {
    expect(() => cachePath(join(dir, 'nowhere'))).toThrow(/--dataset .*nowhere does not exist/);
    expect(() => cachePath(dir)).toThrow(/has no simulator.sqlite: give the directory a dataset export wrote/);
    writeFileSync(join(dir, 'simulator.sqlite'), '');
    expect(cachePath(dir)).toBe(join(dir, 'simulator.sqlite'));
    expect(cachePath(join(dir, 'simulator.sqlite'))).toBe(join(dir, 'simulator.sqlite'));
  });
});
