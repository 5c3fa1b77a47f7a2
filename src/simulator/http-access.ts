import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** The environment variable that gives the HTTP simulator its bearer token when --token is not given. */
export const TOKEN_ENV = 'FIREFLY_SIMULATOR_TOKEN';
/** A bearer token is at least this long: it is the only thing between the network and the simulator. */
export const MIN_TOKEN_LENGTH = 16;
/** RFC 6750's token68: letters, digits and -._~+/, then optional padding. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Whether an address (or Host header hostname) is this machine only: 127.0.0.0/8, ::1 (also as an
 * IPv4-mapped 127.x address) or the name localhost. Anything else, 0.0.0.0 and :: included, can be
 * reached from other machines.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIPv4(bare)) return bare.split('.')[0] === '127';
  if (!isIPv6(bare)) return false;
  // The URL parser writes an IPv6 address in its shortest form, and a mapped IPv4 one in hex.
  const canonical = new URL(`http://[${bare}]`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}

/** Why a bearer token cannot be used, or undefined when it can; `source` names where it came from, e.g. "--token". */
export function tokenProblem(token: string, source: string): string | undefined {
  if (!TOKEN68.test(token)) {
    return `${source} has characters a bearer token cannot carry: use letters, digits and -._~+/ only, e.g. the output of openssl rand -hex 32`;
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    return `${source} is ${token.length} characters: give at least ${MIN_TOKEN_LENGTH}, e.g. the output of openssl rand -hex 32`;
  }
  return undefined;
}

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed first, so the
 * comparison neither stops at the first differing byte nor depends on the token's length.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    const given = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    const digest = createHash('sha256').update(given ?? '').digest();
    return timingSafeEqual(digest, expected) && given !== undefined;
  };
}

/**
 * Why a request's `Origin` is refused, or undefined when it is not: the MCP streamable HTTP
 * transport asks servers to check it, so that a web page cannot reach a local server through DNS
 * rebinding. No Origin (clients other than browsers) passes; so does a loopback origin, the
 * origin the request was addressed to (its Host), and any origin given in `allowed`.
 */
export function originProblem(origin: string | undefined, hostHeader: string | undefined, allowed: readonly string[] = []): string | undefined {
  if (origin === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `Origin ${origin} is not an origin`;
  }
  if (isLoopbackHost(parsed.hostname) || (hostHeader !== undefined && parsed.host === hostHeader.toLowerCase()) || allowed.includes(parsed.origin)) return undefined;
  return `Origin ${origin} refused: this server answers pages from loopback origins and its own only`;
}
