/**
 * What every simulated controller works with: the store, the injected clock, the image
 * behaviours, the event recorder and the simulation's memory (state a real kubelet or
 * controller keeps in process, such as when a container's current failure began).
 */
import type { AdmissionDenial, ImageBehaviour, KubeObject } from '../cluster-api.js';
import type { ObjectStore } from '../object-store.js';
import { typeForKind, typeKey } from '../resource-types.js';
import type { EventRecorder } from './event-recorder.js';

/** Per-container memory of the kubelet simulation. */
export interface ContainerMemory {
  /** Identifies the current outcome (what is wrong with the container, if anything). */
  outcomeKey: string;
  /** When the current outcome began (ms since epoch). */
  since: number;
  /** Restarts accumulated under earlier outcomes. */
  baseRestarts: number;
  /** The last termination under an earlier outcome, shown as lastState until a new one. */
  lastTerminated?: Record<string, unknown>;
  /** When the readiness of a container that kept running last changed (ms since epoch). */
  readinessSince?: number;
}

/** In-process state of the simulated controllers (never served over the API). */
export interface SimulationMemory {
  /** pod uid + container name -> container memory. */
  containers: Map<string, ContainerMemory>;
  /** Per-owner counter for generated pod names. */
  nameCounters: Map<string, number>;
  /** Allocated pod and service IPs. */
  usedIps: Set<string>;
  /** Namespaces whose state changes with time alone (crash loops, back-offs, deadlines). */
  timeDependentNamespaces: Set<string>;
  /** Namespaces with a container whose readiness depends on the Services it calls, anywhere. */
  callerNamespaces: Set<string>;
}

/** Everything a controller needs. */
export interface ControllerContext {
  readonly clusterName: string;
  readonly store: ObjectStore;
  readonly images: ReadonlyMap<string, ImageBehaviour>;
  readonly events: EventRecorder;
  readonly memory: SimulationMemory;
  now(): Date;
  /** Kyverno admission for objects created by controllers (pods of a ReplicaSet). */
  admit(object: KubeObject): AdmissionDenial[];
}

/** Creates empty simulation memory. */
export function createSimulationMemory(): SimulationMemory {
  return {
    containers: new Map(),
    nameCounters: new Map(),
    usedIps: new Set(),
    timeDependentNamespaces: new Set(),
    callerNamespaces: new Set(),
  };
}

/** Storage key for an object's type; throws for unknown kinds (a programming error here). */
export function keyOf(object: KubeObject): string {
  const type = typeForKind(object.apiVersion, object.kind);
  if (!type) throw new Error(`unknown kind ${object.apiVersion}/${object.kind}`);
  return typeKey(type);
}

/**
 * Writes `next` unless it equals the stored object apart from resourceVersion, so steady
 * state produces no watch events. Returns the stored object.
 */
export function putIfChanged(
  context: ControllerContext,
  existing: KubeObject | undefined,
  next: KubeObject,
): KubeObject {
  if (existing && sameContent(existing, next)) return existing;
  return context.store.put(keyOf(next), next);
}

/**
 * True when two objects are equal ignoring metadata.resourceVersion and managedFields (the
 * bookkeeping of a write, which changes only when the content does).
 */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  return (
    JSON.stringify({ ...a, metadata: { ...a.metadata, resourceVersion: undefined, managedFields: undefined } }) ===
    JSON.stringify({ ...b, metadata: { ...b.metadata, resourceVersion: undefined, managedFields: undefined } })
  );
}

/** RFC 3339 timestamp with second precision, as the API server serialises metav1.Time. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A controller owner reference to `owner`. */
export function controllerRef(
  owner: KubeObject,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] & { blockOwnerDeletion: boolean } {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `object` is controlled by `owner`. */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.uid === owner.metadata.uid,
  );
}

/** Key of a pod's per-container (or per-concern, e.g. `#scheduler`) simulation memory. */
export function containerMemoryKey(pod: KubeObject, name: string): string {
  return `${pod.metadata.uid ?? pod.metadata.name}|${name}`;
}
