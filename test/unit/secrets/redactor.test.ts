import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/domain.js';
import { REDACTED } from '../../../src/secrets/marker.js';
import { patternRedactor, Redactor } from '../../../src/secrets/redactor.js';

const SECRET = 'sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const OPAQUE = 'opaque-value-4711';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('Redactor: known secrets', () => {
  const redactor = new Redactor([SECRET, OPAQUE, 'short']);

  it('replaces each known secret deep inside a value, keys untouched', () => {
    const value: JsonValue = {
      content: [{ type: 'text', text: `token is ${SECRET}, again ${SECRET}` }],
      structuredContent: { [OPAQUE]: OPAQUE, nested: [[`x${OPAQUE}y`]], count: 3, ok: true, none: null },
    };
    expect(redactor.redact(value)).toEqual({
      content: [{ type: 'text', text: `token is ${REDACTED}, again ${REDACTED}` }],
      structuredContent: { [OPAQUE]: REDACTED, nested: [[`x${REDACTED}y`]], count: 3, ok: true, none: null },
    });
  });

  it('finds a secret as JSON text or a URL writes it', () => {
    const odd = new Redactor(['pa"ss\\word/1']);
    expect(odd.redactText(JSON.stringify({ p: 'pa"ss\\word/1' }))).toBe(`{"p":"${REDACTED}"}`);
    expect(odd.redactText(`https://x.test/?p=${encodeURIComponent('pa"ss\\word/1')}`)).toBe(`https://x.test/?p=${REDACTED}`);
  });

  it('ignores values shorter than 6 characters: they occur in ordinary data', () => {
    expect(redactor.redactText('a short note')).toBe('a short note');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const nested = new Redactor(['abcdef', 'abcdefghijkl']);
    expect(nested.redactText('[abcdefghijkl] [abcdef]')).toBe(`[${REDACTED}] [${REDACTED}]`);
  });

  it('redacts the cut-off end of a secret at the start of a text, and its start at the end (bounded tails)', () => {
    expect(redactor.redactText(`${SECRET.slice(12)}\nexited with code 1`)).toBe(`${REDACTED}\nexited with code 1`);
    expect(redactor.redactText(`API_TOKEN=${SECRET.slice(0, 14)}`)).toBe(`API_TOKEN=${REDACTED}`);
    // Fragments shorter than 8 characters may occur by chance.
    expect(redactor.redactText(`${SECRET.slice(-5)} and more`)).toBe(`${SECRET.slice(-5)} and more`);
  });

  it('is idempotent', () => {
    const value: JsonValue = { a: `${SECRET} ${OPAQUE}`, b: 'Bearer abcdef0123456789xyz', c: `ghp_${'a1'.repeat(18)}` };
    const once = redactor.redact(value);
    expect(redactor.redact(once)).toEqual(once);
    expect(redactor.redactText(JSON.stringify(once))).toBe(JSON.stringify(once));
  });

  it('with() adds secrets and keeps the ones it had', () => {
    const more = redactor.with([{ value: 'learned-secret-1', kind: 'token' }]);
    expect(more.redactText(`${SECRET} learned-secret-1`)).toBe(`${REDACTED} [REDACTED:token]`);
    expect(redactor.redactText('learned-secret-1')).toBe('learned-secret-1');
  });
});

describe('Redactor: strings shaped like keys or tokens', () => {
  const cases: Array<[string, string, string]> = [
    ['anthropic-key', 'sk-ant-api03-AbCdEf0123456789_xyzXYZ-more', 'key: [REDACTED:anthropic-key]'],
    ['openai-key', 'sk-proj-AbCdEf0123456789xyzXYZ', 'key: [REDACTED:openai-key]'],
    ['github-token', `ghp_${'Ab1'.repeat(12)}`, 'key: [REDACTED:github-token]'],
    ['github-token', `github_pat_11ABCDEFG0${'x'.repeat(40)}`, 'key: [REDACTED:github-token]'],
    ['slack-token', 'xoxb-1234567890-abcdefghij', 'key: [REDACTED:slack-token]'],
    ['aws-access-key', 'AKIAIOSFODNN7EXAMPLE', 'key: [REDACTED:aws-access-key]'],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'key: [REDACTED:jwt]'],
  ];
  it.each(cases)('%s', (_kind, token, expected) => {
    expect(patternRedactor.redactText(`key: ${token}`)).toBe(expected);
  });

  it('keeps the scheme of a bearer or basic credential and redacts the credential', () => {
    expect(patternRedactor.redactText('Authorization: Bearer abc123def456ghi789')).toBe('Authorization: Bearer [REDACTED:bearer]');
    expect(patternRedactor.redactText('Authorization: Basic dXNlcjpwYXNzd29yZDEy')).toBe('Authorization: Basic [REDACTED:basic-auth]');
  });

  it('redacts a PEM private key block, and a truncated one to the end of the text', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    expect(patternRedactor.redactText(`key:\n${pem}\ndone`)).toBe('key:\n[REDACTED:private-key]\ndone');
    expect(patternRedactor.redactText('tail -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN')).toBe('tail [REDACTED:private-key]');
    expect(patternRedactor.redactText('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----')).toContain('MIIB');
  });

  it('redacts a long high-entropy token after a key-like name, in text and as a JSON value', () => {
    expect(patternRedactor.redactText(`api_key=${SHA256}`)).toBe('api_key=[REDACTED:token]');
    expect(patternRedactor.redactText(`{"accessToken": "${SHA256}"}`)).toBe('{"accessToken": "[REDACTED:token]"}');
    expect(patternRedactor.redactText(JSON.stringify(JSON.stringify({ secret: SHA256 })))).not.toContain(SHA256);
    expect(patternRedactor.redact({ apiKey: SHA256, client_secret: SHA256 })).toEqual({ apiKey: '[REDACTED:token]', client_secret: '[REDACTED:token]' });
    const longName = 'A_RATHER_LONG_SERVICE_ACCESS_TOKEN_NAME';
    expect(patternRedactor.redactText(`${longName}=${SHA256}`)).toBe(`${longName}=[REDACTED:token]`);
  });

  it('leaves ordinary data alone: ids, UUIDs, digests, paths, words, images', () => {
    const image = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2FyZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAAA';
    const ordinary: JsonValue = {
      id: 'req-1',
      uuid: '123e4567-e89b-12d3-a456-426614174000',
      sessionId: '123e4567-e89b-12d3-a456-426614174000',
      sha256: SHA256,
      digest: `sha256:${SHA256}`,
      text: `file ${SHA256} stored`,
      path: '/tmp/firefly/sandboxes/run-1/sub-dag-0/memory.jsonl',
      tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      task: 'task-assessment-for-project-2024-q3',
      words: 'Bearer of bad news; Basic information about a basic internationalization',
      key: 'user:profile:42',
      data: image,
      tokens: 1234,
      password: 'hunter2',
    };
    expect(patternRedactor.redact(ordinary)).toEqual(ordinary);
    expect(patternRedactor.redactText(JSON.stringify(ordinary))).toBe(JSON.stringify(ordinary));
  });

  it('find() reports what patterns and key-like names would redact, with their kinds', () => {
    const found = patternRedactor.find({ note: 'use AKIAIOSFODNN7EXAMPLE', nested: [{ apiKey: SHA256 }], plain: 'nothing here' });
    expect(found).toEqual([
      { value: 'AKIAIOSFODNN7EXAMPLE', kind: 'aws-access-key' },
      { value: SHA256, kind: 'token' },
    ]);
    // Passed on to a later argument under an innocent name, it is redacted the same way.
    expect(patternRedactor.with(found).redact({ value: SHA256 })).toEqual({ value: '[REDACTED:token]' });
  });
});
