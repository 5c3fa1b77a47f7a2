import type { JsonValue } from './domain.js';

/** The inputs that shape a run's data: a workflow ID names one run, so these never change under it. */
const IDENTITY_OPTIONS = ['subDagCount', 'seed', 'allowDestructive', 'policy', 'policyFile'] as const;
/** Options a run may change on resume: how fast it goes, not what it finds. */
const RUNNING_OPTIONS = ['maxConcurrentExplorations', 'explorationsPerHistory'] as const;
/** Spec fields whose values a message may show: the rest may hold secrets, and are only named. */
const SHOWN_SPEC_FIELDS = new Set(['name', 'transport', 'command']);

export interface IdentityDifference {
  field: string;
  /** Absent where the value may be secret. */
  was?: JsonValue;
  now?: JsonValue;
}

/** Starting a recorded run's workflow ID again with inputs that would change its data. Never retryable. */
export class RunIdentityError extends Error {
  override readonly name = 'RunIdentityError';
  constructor(
    readonly runId: string,
    readonly differences: IdentityDifference[],
  ) {
    super(
      `run ${runId} was recorded with other inputs: ${differences.map(describe).join('; ')}. ` +
        'A workflow ID names one run and its data: resume it with the input it was started with, add "extend": true to grow its subDagCount, ' +
        'or start a new workflow ID for these inputs.',
    );
  }
}

/** What differs between a recorded run's spec and options and a new start's, by field. */
export function identityDifferences(recorded: { spec: JsonValue; options: JsonValue }, server: unknown, options: object): IdentityDifference[] {
  const differences: IdentityDifference[] = [];
  const was = (recorded.options ?? {}) as Record<string, JsonValue>;
  const now = options as Record<string, JsonValue>;
  // `extend` lets subDagCount grow, never shrink.
  const grows = now.extend === true && typeof now.subDagCount === 'number' && typeof was.subDagCount === 'number' && now.subDagCount > was.subDagCount;
  for (const key of IDENTITY_OPTIONS) {
    if (key === 'subDagCount' && grows) continue;
    if (canonical(was[key]) !== canonical(now[key])) differences.push({ field: key, ...shown(was[key], now[key]) });
  }
  differences.unshift(...specDifferences(recorded.spec, server as JsonValue, 'server'));
  return differences;
}

function specDifferences(was: JsonValue | undefined, now: JsonValue | undefined, field: string): IdentityDifference[] {
  if (canonical(was) === canonical(now)) return [];
  const bothObjects = isObject(was) && isObject(now);
  if (!bothObjects) return [{ field, ...(SHOWN_SPEC_FIELDS.has(field.split('.').pop()!) ? shown(was, now) : {}) }];
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
  return keys.flatMap((key) => specDifferences(was[key], now[key], `${field}.${key}`));
}

function shown(was: JsonValue | undefined, now: JsonValue | undefined): Pick<IdentityDifference, 'was' | 'now'> {
  return { ...(was === undefined ? {} : { was }), ...(now === undefined ? {} : { now }) };
}

function describe(d: IdentityDifference): string {
  if (!('was' in d) && !('now' in d)) return `${d.field} differs`;
  return `${d.field} was ${d.was === undefined ? 'not set' : JSON.stringify(d.was)}, now ${d.now === undefined ? 'not set' : JSON.stringify(d.now)}`;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with keys sorted, so that key order never counts as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v as JsonValue) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  ) ?? 'undefined';
}

/** Options that do not shape the data (concurrency, batching) and changed since the run was recorded: allowed, and said. */
export function changedRunningOptions(recorded: { options: JsonValue }, options: object): string[] {
  const was = (recorded.options ?? {}) as Record<string, JsonValue>;
  const now = options as Record<string, JsonValue>;
  return RUNNING_OPTIONS.filter((key) => canonical(was[key]) !== canonical(now[key])).map(
    (key) => `${key} was ${JSON.stringify(was[key] ?? null)}, now ${JSON.stringify(now[key] ?? null)}`,
  );
}
