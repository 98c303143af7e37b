import { clip, formatAge } from '../common/output-budget.js';
import { redactSecrets } from '../common/redact.js';
import type { EventShape } from './kube-shapes.js';

/** Identical events (same type, reason, object and message) folded into one line. */
export interface EventGroup {
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  lastSeen?: string;
  firstSeen?: string;
}

function lastSeenOf(event: EventShape): string | undefined {
  return event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? event.firstTimestamp;
}

/** The object an event is about, as `Kind/name`. */
export function eventObject(event: EventShape): string {
  const involved = event.involvedObject ?? event.regarding ?? {};
  return `${involved.kind ?? '?'}/${involved.name ?? '?'}`;
}

/**
 * Groups events by type, reason, object and message, summing counts; pod names are kept so
 * the model sees which pod, but a message repeated across pods of one ReplicaSet stays one line
 * per pod at most. Sorted by most recent.
 */
export function groupEvents(events: readonly EventShape[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const event of events) {
    const message = redactSecrets(event.message ?? event.note ?? '');
    const type = event.type ?? 'Normal';
    const reason = event.reason ?? '';
    const object = eventObject(event);
    const key = `${type}|${reason}|${object}|${message}`;
    const count = event.series?.count ?? event.count ?? 1;
    const lastSeen = lastSeenOf(event);
    const firstSeen = event.firstTimestamp ?? event.eventTime ?? lastSeen;
    const existing = groups.get(key);
    if (existing) {
      existing.count += count;
      if (lastSeen && (!existing.lastSeen || lastSeen > existing.lastSeen)) existing.lastSeen = lastSeen;
      if (firstSeen && (!existing.firstSeen || firstSeen < existing.firstSeen)) existing.firstSeen = firstSeen;
    } else {
      groups.set(key, { type, reason, object, message, count, ...(lastSeen ? { lastSeen } : {}), ...(firstSeen ? { firstSeen } : {}) });
    }
  }
  return [...groups.values()].sort((left, right) => (right.lastSeen ?? '').localeCompare(left.lastSeen ?? '') || right.count - left.count);
}

/** One compact line per group: `x12 Warning BackOff Pod/web-1 (2m ago): Back-off restarting ...`. */
export function formatEventGroup(group: EventGroup, now: Date, indent = '  '): string {
  const type = group.type === 'Warning' ? '' : `${group.type} `;
  return `${indent}x${group.count} ${type}${group.reason} ${group.object} (${formatAge(group.lastSeen, now)} ago): ${clip(group.message, 240)}`;
}

/** Events whose last occurrence is within `windowMinutes` of `now`. */
export function recentEvents<T extends EventShape>(events: readonly T[], now: Date, windowMinutes: number): T[] {
  const cutoff = now.getTime() - windowMinutes * 60_000;
  return events.filter((event) => {
    const seen = lastSeenOf(event);
    return seen === undefined || Date.parse(seen) >= cutoff;
  });
}
