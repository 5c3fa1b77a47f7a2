/**
 * Which names say "this holds a secret": environment variables, JSON keys and command-line flags
 * by their words (`OPENAI_API_KEY`, `accessToken`, `--auth-token`), headers a little more broadly.
 *
 * Words, not substrings: `MONKEY_PATH`, `AUTHOR` or `TOKENIZER_PATH` are configuration, and
 * redacting their values would destroy data. `PWD` is the working directory, not a password.
 */
const SENSITIVE_WORDS = new Set([
  'key', 'keys', 'apikey', 'token', 'tokens', 'accesstoken', 'secret', 'secrets', 'password', 'passwd', 'pass',
  'passphrase', 'auth', 'oauth', 'authorization', 'credential', 'credentials', 'creds', 'cookie', 'cookies',
  'session', 'private', 'privatekey', 'jwt', 'bearer',
]);

/** Splits `OPENAI_API_KEY`, `accessToken`, `x-api-key` or `APIKey` into lowercase words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** An environment variable, JSON key or flag name whose value is a secret, e.g. `GITHUB_TOKEN` or `apiKey`. */
export function isSensitiveName(name: string): boolean {
  return nameWords(name).some((word) => SENSITIVE_WORDS.has(word));
}

/**
 * A header whose value is a credential: `Authorization`, `Proxy-Authorization`, `X-API-Key`,
 * `Api-Key`, `Cookie`, and any name containing token, secret, key or auth. Headers are few and
 * named by convention, so a substring is a safe signal here (no standard header is a false hit).
 */
export function isSensitiveHeader(name: string): boolean {
  return isSensitiveName(name) || /token|secret|key|auth|cookie|session|password|credential/i.test(name);
}
