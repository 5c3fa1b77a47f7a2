import { existsSync } from 'node:fs';
import type { MemberServerSpec, ServerSpec } from '../mcp/spec.js';

/**
 * The clock the `stable` check's last round runs under: 400 days ahead and 14 hours east of UTC.
 * An answer that depends on the date ("a year ago", the days in this month, a weekday) then differs
 * from the first round's and is rejected as volatile, instead of shipping a label that turns wrong
 * with the calendar. A few minutes between rounds catch only clocks that tick within them.
 */
export const CLOCK_SHIFT = { days: 400, timeZone: 'Pacific/Kiritimati' } as const;

/** Debian's libfaketime (package libfaketime), or the library FIREFLY_LIBFAKETIME names. */
export function libfaketimePath(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const path = env.FIREFLY_LIBFAKETIME ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
  return existsSync(path) ? path : undefined;
}

/**
 * The spec with its processes started under the shifted clock (libfaketime preloaded, TZ set), or
 * undefined when that cannot be done: no libfaketime on this worker, or a member reached over HTTP,
 * whose process this worker does not start. Monotonic clocks stay real, so timeouts keep working.
 */
export function withShiftedClock(spec: ServerSpec, env: Readonly<Record<string, string | undefined>> = process.env): ServerSpec | undefined {
  const library = libfaketimePath(env);
  if (library === undefined) return undefined;
  const shift = (member: MemberServerSpec): MemberServerSpec | undefined => {
    if (member.transport !== 'stdio') return undefined;
    const preload = [member.env.LD_PRELOAD ?? env.LD_PRELOAD, library].filter(Boolean).join(':');
    return { ...member, env: { ...member.env, LD_PRELOAD: preload, FAKETIME: `+${CLOCK_SHIFT.days}d`, FAKETIME_DONT_FAKE_MONOTONIC: '1', TZ: CLOCK_SHIFT.timeZone } };
  };
  if (spec.transport !== 'composite') return shift(spec);
  const servers = spec.servers.map(shift);
  return servers.every((s) => s !== undefined) ? { ...spec, servers: servers as MemberServerSpec[] } : undefined;
}

/** Marks a stored live repeat made under the shifted clock (its subject's end). */
export const SHIFTED_CLOCK_SUFFIX = '@shifted-clock';

export function clockShiftText(): string {
  return `under a clock ${CLOCK_SHIFT.days} days ahead in ${CLOCK_SHIFT.timeZone}`;
}
