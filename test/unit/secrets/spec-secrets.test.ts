import { describe, expect, it } from 'vitest';
import { parseServerSpec } from '../../../src/mcp/spec.js';
import { literalSecretFields, specRedactor, specSecrets } from '../../../src/secrets/spec-secrets.js';

const ENV = { FROM_WORKER: 'worker-secret-123', PLAIN_VIA_ENV: 'harmless-looking', HOST: 'mcp.example.test' };

const stdio = parseServerSpec({
  name: 'demo',
  command: 'node',
  args: ['${bin:@modelcontextprotocol/server-memory}', '--api-key', 'flag-secret-1', '--token=flag-secret-2', '--port', '8080'],
  env: {
    API_TOKEN: '${env:FROM_WORKER}',
    SERVICE_PASSWORD: 'literal-password-1',
    CONFIG_VALUE: '${env:PLAIN_VIA_ENV}',
    MEMORY_FILE_PATH: '${sandbox}/memory.jsonl',
    TOKEN_FILE: '${sandbox}/token.txt',
    MISC_SETTING: `ghp_${'Ab1'.repeat(12)}`,
    LOG_LEVEL: 'debug-verbose',
    SHORT_KEY: 'abc',
  },
});

const http = parseServerSpec({
  name: 'remote',
  url: 'https://user:url-password-1@${env:HOST}/mcp?api_key=query-secret-1&page=first-page',
  headers: { Authorization: 'Bearer literal-bearer-1', 'X-Api-Key': '${env:FROM_WORKER}', Accept: 'application/json' },
});

describe('the secrets of a server spec', () => {
  it('stdio: ${env:…} values whatever the name, sensitive-named literals, flag values and token-shaped literals; not configuration', () => {
    const values = specSecrets(stdio, ENV).map((s) => s.value);
    expect(values).toEqual(expect.arrayContaining(['worker-secret-123', 'harmless-looking', 'literal-password-1', 'flag-secret-1', 'flag-secret-2', `ghp_${'Ab1'.repeat(12)}`]));
    expect(values.join(' ')).not.toMatch(/memory\.jsonl|token\.txt|debug-verbose|8080/);
  });

  it('http: header credentials (also after "Bearer "), the URL password and sensitive query values', () => {
    const values = specSecrets(http, ENV).map((s) => s.value);
    expect(values).toEqual(expect.arrayContaining(['Bearer literal-bearer-1', 'literal-bearer-1', 'worker-secret-123', 'url-password-1', 'query-secret-1', 'mcp.example.test']));
    expect(values).not.toContain('application/json');
    expect(values).not.toContain('first-page');
  });

  it('names the fields that hold a literal secret, never one read with ${env:…}', () => {
    expect(literalSecretFields(stdio).sort()).toEqual(['server.args[2]', 'server.args[3]', 'server.env.MISC_SETTING', 'server.env.SERVICE_PASSWORD']);
    expect(literalSecretFields(http).sort()).toEqual(['server.headers.Authorization', 'server.url']);
    expect(literalSecretFields(parseServerSpec({ name: 'safe', command: 'node', env: { API_TOKEN: '${env:T}' }, args: [] }))).toEqual([]);
  });

  it('redacts what a server prints of its environment, and keeps its configuration', () => {
    const printed = JSON.stringify(
      { API_TOKEN: 'worker-secret-123', SERVICE_PASSWORD: 'literal-password-1', CONFIG_VALUE: 'harmless-looking', MEMORY_FILE_PATH: '/sandbox/memory.jsonl', SHORT_KEY: 'abc' },
      null,
      2,
    );
    const redacted = specRedactor(stdio, ENV).redactText(printed);
    expect(JSON.parse(redacted)).toEqual({
      API_TOKEN: '[REDACTED]',
      SERVICE_PASSWORD: '[REDACTED]',
      CONFIG_VALUE: '[REDACTED]',
      MEMORY_FILE_PATH: '/sandbox/memory.jsonl',
      SHORT_KEY: 'abc',
    });
  });
});
