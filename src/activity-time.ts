import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** [start, end] in ms of every activity attempt (of one type, when given) that ran to an outcome in a history. */
export function activityIntervals(history: History, activityType?: string): Array<[number, number]> {
  const started = new Map<string, number>();
  const intervals: Array<[number, number]> = [];
  const ofType = new Set<string>();
  for (const event of history.events ?? []) {
    const at = millis(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled && (activityType === undefined || scheduled.activityType?.name === activityType)) ofType.add(String(event.eventId));
    const startedAttributes = event.activityTaskStartedEventAttributes;
    if (startedAttributes && ofType.has(String(startedAttributes.scheduledEventId))) started.set(String(startedAttributes.scheduledEventId), at);
    const scheduledId =
      event.activityTaskCompletedEventAttributes?.scheduledEventId ??
      event.activityTaskFailedEventAttributes?.scheduledEventId ??
      event.activityTaskTimedOutEventAttributes?.scheduledEventId;
    const start = scheduledId != null ? started.get(String(scheduledId)) : undefined;
    if (start !== undefined) intervals.push([start, at]);
  }
  return intervals;
}

/** Total time covered by at least one interval: concurrent activities count once. */
export function coveredMillis(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [start, end] of sorted) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  if (to > from) total += to - from;
  return total;
}

function millis(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
}
