/**
 * core/v1 Events the way kubectl shows them: one object per (object, reason, message) with a
 * count and first/last timestamps. Controllers describe recurring events by their whole
 * history (first, last, count) computed from the simulated timeline, so recording is
 * idempotent: recording the same history twice writes nothing.
 */
import type { KubeObject } from '../cluster-api.js';
import type { ObjectStore } from '../object-store.js';
import { stableHex, stableUid } from '../stable-id.js';

/** Events older than this (by lastTimestamp) are gone, as with the API server's default TTL. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

const EVENT_KEY = '/Event';

/** One event to record. */
export interface EventSpec {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
  fieldPath?: string;
  firstMs: number;
  lastMs: number;
  count: number;
}

/** Records events into the store. */
export class EventRecorder {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date,
  ) {}

  /** Creates or updates the event; events already past their TTL are not stored. */
  record(spec: EventSpec): void {
    if (spec.count <= 0 || spec.lastMs < this.now().getTime() - EVENT_TTL_MS) return;
    const involved = spec.involved.metadata;
    const namespace = involved.namespace ?? 'default';
    const key = `${involved.uid ?? involved.name}|${spec.reason}|${spec.message}|${spec.fieldPath ?? ''}`;
    const name = `${involved.name}.${stableHex(key, 16)}`;
    const existing = this.store.get(EVENT_KEY, namespace, name);
    const first = iso(spec.firstMs);
    const last = iso(spec.lastMs);
    if (
      existing &&
      existing.count === spec.count &&
      existing.lastTimestamp === last &&
      existing.firstTimestamp === first
    )
      return;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: stableUid(`event|${key}`), creationTimestamp: first },
      involvedObject: {
        apiVersion: spec.involved.apiVersion,
        kind: spec.involved.kind,
        name: involved.name,
        ...(involved.namespace ? { namespace: involved.namespace } : {}),
        uid: involved.uid,
        ...(spec.fieldPath ? { fieldPath: spec.fieldPath } : {}),
      },
      reason: spec.reason,
      message: spec.message,
      source: { component: spec.component, ...(spec.host ? { host: spec.host } : {}) },
      firstTimestamp: first,
      lastTimestamp: last,
      count: spec.count,
      type: spec.type,
      eventTime: null,
      reportingComponent: spec.component,
      reportingInstance: spec.host ?? '',
    };
    this.store.put(EVENT_KEY, event);
  }

  /** Deletes events whose lastTimestamp is older than the TTL. */
  expire(): void {
    const cutoff = this.now().getTime() - EVENT_TTL_MS;
    const stale: KubeObject[] = [];
    for (const event of this.store.iterate(EVENT_KEY)) {
      if (Date.parse(String(event.lastTimestamp)) < cutoff) stale.push(event);
    }
    for (const event of stale) this.store.remove(EVENT_KEY, event.metadata.namespace, event.metadata.name);
  }
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
