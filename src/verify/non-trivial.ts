import type { JsonPrimitive } from '../domain.js';
import { leafName } from '../explore/json-path.js';
import { appearsIn } from './appears-in.js';

/** Replies that report an action rather than a finding: anyone could guess them. */
const BOILERPLATE = /^(successfully|no (matches|results|items)|done\b|ok\b|created\b|deleted\b|updated\b|error\b)/i;
/** "1.4.2", "v2.0.0-beta.1": a version string says which build answered, not what it found. */
const VERSION = /^v?\d+(\.\d+){1,3}([-+][\w.]+)?$/;
/**
 * Output keys that describe the server rather than the data it serves: asking for them trains an
 * agent to recite configuration. Compared as lower-case words, so `protocolVersion` and
 * `protocol_version` are one.
 */
const CONFIGURATION_KEYS = new Set([
  'version', 'protocolversion', 'serverversion', 'apiversion', 'nodeversion', 'commit', 'revision',
  'region', 'zone', 'host', 'hostname', 'port', 'pid', 'platform', 'arch', 'uptime', 'environment',
  'runtime', 'servername', 'loglevel',
]);

/**
 * Whether a value had to be discovered: not a status line, and not an echo of a value the
 * instruction already gives (such as "Successfully wrote to <the path you named>").
 */
export function isDiscovered(value: JsonPrimitive, givenValues: JsonPrimitive[]): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string' || BOILERPLATE.test(value.trim())) return false;
  return !givenValues.some((given) => typeof given === 'string' && given.trim().length >= 3 && appearsIn(given, value));
}

/** Whether an answer is trivia about the server: its version, or a configuration field (region, host, port…). */
export function isTrivia(path: string, value: JsonPrimitive): boolean {
  if (typeof value === 'string' && VERSION.test(value.trim())) return true;
  return CONFIGURATION_KEYS.has(leafName(path.replace(/#\w+\[\d+\]$/, '')).toLowerCase().replace(/[_-]/g, ''));
}
