import { createHash } from 'node:crypto';
import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import type { ApplicationEventRecord, ApplicationRecord } from './application-record.js';

/** Most events Argo CD keeps per app in this fake (Kubernetes would expire them after an hour). */
const EVENT_LIMIT = 100;

/** Records an event on the Application (deduplicated by reason+message, like the event recorder). */
export function recordApplicationEvent(
  record: ApplicationRecord,
  event: { reason: string; message: string; type?: 'Normal' | 'Warning'; component?: string },
  now: Date,
): void {
  const at = now.toISOString();
  const existing = record.events.find(
    (candidate) => candidate.reason === event.reason && candidate.message === event.message,
  );
  if (existing) {
    existing.count += 1;
    existing.lastTimestamp = at;
    return;
  }
  const entry: ApplicationEventRecord = {
    reason: event.reason,
    message: event.message,
    type: event.type ?? 'Normal',
    component: event.component ?? 'argocd-application-controller',
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    sequence: (record.events.at(-1)?.sequence ?? 0) + 1,
  };
  record.events = [...record.events, entry].slice(-EVENT_LIMIT);
}

function eventName(base: string, sequence: number): string {
  return `${base}.${createHash('sha1').update(`${base}/${sequence}`).digest('hex').slice(0, 16)}`;
}

/** The app's own events as an `eventsEventList` (what `GET .../events` returns without filters). */
export function applicationEventList(
  record: ApplicationRecord,
  controllerNamespace: string,
): { metadata: Record<string, never>; items: unknown[] } {
  const name = record.definition.name;
  return {
    metadata: {},
    items: record.events.map((event) => ({
      metadata: {
        name: eventName(name, event.sequence),
        namespace: controllerNamespace,
        uid: createHash('sha1')
          .update(`${record.uid}/${event.sequence}`)
          .digest('hex')
          .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
        resourceVersion: String(event.sequence),
        creationTimestamp: event.firstTimestamp,
      },
      involvedObject: {
        kind: 'Application',
        namespace: controllerNamespace,
        name,
        uid: record.uid,
        apiVersion: 'argoproj.io/v1alpha1',
        resourceVersion: String(record.resourceVersion),
      },
      reason: event.reason,
      message: event.message,
      source: { component: event.component },
      firstTimestamp: event.firstTimestamp,
      lastTimestamp: event.lastTimestamp,
      count: event.count,
      type: event.type,
      reportingComponent: '',
      reportingInstance: '',
    })),
  };
}

/**
 * Kubernetes events about one managed resource (what `GET .../events?resourceName=` returns),
 * read from the destination cluster. Drops `eventTime`, which the swagger types as an object.
 */
export function resourceEventList(
  cluster: SimulatedCluster,
  filter: { resourceNamespace?: string; resourceName?: string; resourceUID?: string },
): { metadata: Record<string, never>; items: unknown[] } {
  const events = cluster.list('v1', 'Event', filter.resourceNamespace || undefined) as Array<
    KubeObject & { involvedObject?: { name?: string; uid?: string } }
  >;
  const items = events
    .filter(
      (event) =>
        (!filter.resourceName || event.involvedObject?.name === filter.resourceName) &&
        (!filter.resourceUID || !event.involvedObject?.uid || event.involvedObject.uid === filter.resourceUID),
    )
    .map((event) => {
      const copy: Record<string, unknown> = { ...event };
      delete copy.apiVersion;
      delete copy.kind;
      delete copy.eventTime;
      return copy;
    });
  return { metadata: {}, items };
}
