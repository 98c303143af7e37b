/**
 * The object store of one simulated cluster: Maps keyed by type, namespace and name, a
 * monotonically increasing resourceVersion, change listeners and a short change history so a
 * watch can resume from a recent resourceVersion.
 *
 * Stored objects are treated as immutable: every write replaces the object, nothing mutates a
 * stored object in place. That lets read paths hand out stored objects without cloning and lets
 * controllers share unchanged sub-objects (a pod's containers with its template) between objects.
 */
import type { KubeObject, WatchEvent } from './cluster-api.js';

/** A change with the resourceVersion it produced. */
export interface StoredChange extends WatchEvent {
  revision: number;
  typeKey: string;
}

const HISTORY_LIMIT = 4096;

/** In-memory object store; see the module comment for the immutability rule. */
export class ObjectStore {
  /** typeKey -> namespace ('' for cluster-scoped) -> name -> object. */
  private readonly buckets = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly listeners = new Set<(change: StoredChange) => void>();
  private readonly history: StoredChange[] = [];
  private revision = 0;

  /** The current resourceVersion of the whole store. */
  currentRevision(): number {
    return this.revision;
  }

  /** Claims the next resourceVersion (used for list responses and dry runs). */
  nextRevision(): number {
    this.revision += 1;
    return this.revision;
  }

  get(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets
      .get(typeKey)
      ?.get(namespace ?? '')
      ?.get(name);
  }

  /** Objects of a type, in one namespace or all; sorted by namespace then name like the API server. */
  list(typeKey: string, namespace?: string): KubeObject[] {
    const byNamespace = this.buckets.get(typeKey);
    if (!byNamespace) return [];
    if (namespace !== undefined) {
      const names = byNamespace.get(namespace);
      return names ? sortedValues(names) : [];
    }
    const out: KubeObject[] = [];
    for (const ns of [...byNamespace.keys()].sort()) {
      const names = byNamespace.get(ns);
      if (names) out.push(...sortedValues(names));
    }
    return out;
  }

  /** Iterates objects of a type without sorting or copying (controllers' hot path). */
  *iterate(typeKey: string, namespace?: string): IterableIterator<KubeObject> {
    const byNamespace = this.buckets.get(typeKey);
    if (!byNamespace) return;
    if (namespace !== undefined) {
      const names = byNamespace.get(namespace);
      if (names) yield* names.values();
      return;
    }
    for (const names of byNamespace.values()) yield* names.values();
  }

  /** Number of objects of a type (optionally in one namespace). */
  count(typeKey: string, namespace?: string): number {
    const byNamespace = this.buckets.get(typeKey);
    if (!byNamespace) return 0;
    if (namespace !== undefined) return byNamespace.get(namespace)?.size ?? 0;
    let total = 0;
    for (const names of byNamespace.values()) total += names.size;
    return total;
  }

  /** Namespaces holding at least one object of the type. */
  namespacesOf(typeKey: string): string[] {
    return [...(this.buckets.get(typeKey)?.keys() ?? [])];
  }

  /**
   * Stores an object, stamping a new resourceVersion into a shallow copy of its metadata.
   * Returns the stored object.
   */
  put(typeKey: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? '';
    let byNamespace = this.buckets.get(typeKey);
    if (!byNamespace) {
      byNamespace = new Map();
      this.buckets.set(typeKey, byNamespace);
    }
    let names = byNamespace.get(namespace);
    if (!names) {
      names = new Map();
      byNamespace.set(namespace, names);
    }
    const existed = names.has(object.metadata.name);
    const revision = this.nextRevision();
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
    names.set(object.metadata.name, stored);
    this.emit({ type: existed ? 'MODIFIED' : 'ADDED', object: stored, revision, typeKey });
    return stored;
  }

  /** Removes an object; returns it (with a final resourceVersion) or undefined when absent. */
  remove(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const names = this.buckets.get(typeKey)?.get(namespace ?? '');
    const existing = names?.get(name);
    if (!names || !existing) return undefined;
    names.delete(name);
    if (names.size === 0) this.buckets.get(typeKey)?.delete(namespace ?? '');
    const revision = this.nextRevision();
    const removed: KubeObject = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(revision) } };
    this.emit({ type: 'DELETED', object: removed, revision, typeKey });
    return removed;
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: (change: StoredChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Changes after `revision` still held in the history, or undefined when the history no longer
   * reaches back that far (the API server answers 410 Gone then, as a real one does).
   */
  changesSince(revision: number): StoredChange[] | undefined {
    if (revision >= this.revision) return [];
    const oldest = this.history[0];
    if (!oldest || oldest.revision > revision + 1) return undefined;
    return this.history.filter((change) => change.revision > revision);
  }

  private emit(change: StoredChange): void {
    this.history.push(change);
    // Trim in batches so a bulk load does not pay an O(n) splice per write.
    if (this.history.length > HISTORY_LIMIT * 2) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of this.listeners) listener(change);
  }
}

function sortedValues(names: Map<string, KubeObject>): KubeObject[] {
  return [...names.keys()].sort().map((name) => names.get(name) as KubeObject);
}
