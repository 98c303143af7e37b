import { z } from 'zod';
import {
  objectRefSchema,
  ownershipFields,
  type ObjectRef,
  type Ownership,
  type OwnershipResolver,
} from '../common/kube-ownership.js';
import { clip, formatAge } from '../common/output-budget.js';
import { redactText } from '../../redaction/index.js';
import type { EventShape } from './kube-shapes.js';

/** Identical events (same type, reason, object and message) folded into one line. */
export interface EventGroup extends Ownership {
  type: string;
  reason: string;
  /** The involved object; `owners` is the controller chain above it. */
  object: ObjectRef;
  message: string;
  count: number;
  lastSeen?: string;
  firstSeen?: string;
}

/** Output schema of one event group. */
export const eventGroupSchema = z.object({
  type: z.string(),
  reason: z.string(),
  object: objectRefSchema,
  message: z.string(),
  count: z.number().int(),
  lastSeen: z.string().optional(),
  firstSeen: z.string().optional(),
  ...ownershipFields,
});

/** `Kind/name` of a group's object, as the text shows it. */
export function objectLabel(object: ObjectRef): string {
  return `${object.kind}/${object.name}`;
}

/** Adds owners and Argo CD app of each group's involved object (lookups cached by the resolver). */
export async function withEventOwnership(
  groups: readonly EventGroup[],
  resolver: OwnershipResolver,
): Promise<EventGroup[]> {
  return Promise.all(groups.map(async (group) => ({ ...group, ...(await resolver.ownershipOfRef(group.object)) })));
}

function involvedRef(event: EventShape): ObjectRef {
  const involved = event.involvedObject ?? event.regarding ?? {};
  const namespace = involved.namespace ?? event.metadata.namespace;
  return { kind: involved.kind ?? '?', name: involved.name ?? '?', ...(namespace ? { namespace } : {}) };
}

function lastSeenOf(event: EventShape): string | undefined {
  return (
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.metadata.creationTimestamp ??
    event.firstTimestamp
  );
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
    const message = redactText(event.message ?? event.note ?? '');
    const type = event.type ?? 'Normal';
    const reason = event.reason ?? '';
    const object = eventObject(event);
    const key = `${type}|${reason}|${object}|${message}`;
    const ref = involvedRef(event);
    const count = event.series?.count ?? event.count ?? 1;
    const lastSeen = lastSeenOf(event);
    const firstSeen = event.firstTimestamp ?? event.eventTime ?? lastSeen;
    const existing = groups.get(key);
    if (existing) {
      existing.count += count;
      if (lastSeen && (!existing.lastSeen || lastSeen > existing.lastSeen)) existing.lastSeen = lastSeen;
      if (firstSeen && (!existing.firstSeen || firstSeen < existing.firstSeen)) existing.firstSeen = firstSeen;
    } else {
      groups.set(key, {
        type,
        reason,
        object: ref,
        message,
        count,
        ...(lastSeen ? { lastSeen } : {}),
        ...(firstSeen ? { firstSeen } : {}),
      });
    }
  }
  return [...groups.values()].sort(
    (left, right) => (right.lastSeen ?? '').localeCompare(left.lastSeen ?? '') || right.count - left.count,
  );
}

/** One compact line per group: `x12 Warning BackOff Pod/web-1 (2m ago): Back-off restarting ...`. */
export function formatEventGroup(group: EventGroup, now: Date, indent = '  '): string {
  const type = group.type === 'Warning' ? '' : `${group.type} `;
  return (
    `${indent}x${group.count} ${type}${group.reason} ${objectLabel(group.object)} ` +
    `(${formatAge(group.lastSeen, now)} ago): ${clip(group.message, 240)}`
  );
}

/** Events whose last occurrence is within `windowMinutes` of `now`. */
export function recentEvents<T extends EventShape>(events: readonly T[], now: Date, windowMinutes: number): T[] {
  const cutoff = now.getTime() - windowMinutes * 60_000;
  return events.filter((event) => {
    const seen = lastSeenOf(event);
    return seen === undefined || Date.parse(seen) >= cutoff;
  });
}
