/**
 * One simulated Kubernetes cluster: the object store, validation and admission on write
 * (namespaces, Kyverno), and the simulated controllers that derive every status, child object,
 * event and log line from the manifests and the image behaviours, under an injected clock.
 */
import {
  AdmissionDeniedError,
  type ApplyOptions,
  type ApplyResult,
  type ImageBehaviour,
  KubeApiError,
  type KubeObject,
  type PodLogLine,
  type SimulatedCluster,
  type WatchEvent,
} from './cluster-api.js';
import { createWorkerNodes, systemObjects } from './default-objects.js';
import { checkImmutableFields } from './immutable-fields.js';
import { updateManagedFields } from './managed-fields.js';
import { ObjectStore } from './object-store.js';
import { createObjectPreparation } from './object-preparation.js';
import { RESOURCE_TYPES, type ResourceType, typeForKind, typeKey } from './resource-types.js';
import { type ControllerContext, createSimulationMemory, isoSeconds, sameContent } from './controllers/context.js';
import { EventRecorder } from './controllers/event-recorder.js';
import { podLogLines } from './controllers/pod-logs.js';
import { reconcile } from './controllers/reconciler.js';
import { createKyverno } from '../kyverno/kyverno.js';
import { formatAdmissionDenial } from '../kyverno/denial-message.js';

/** Options of createSimulatedCluster. */
export interface SimulatedClusterOptions {
  name: string;
  images: ImageBehaviour[];
  /** The clock (default: the real one). Everything time-dependent is derived from it. */
  now?: () => Date;
  /** Nodes (default: three Ready workers, see createWorkerNodes). */
  nodes?: KubeObject[];
  /**
   * How long objects given to load() without a creationTimestamp have existed (default 2 h):
   * a loaded estate has been running for a while, so crash loops show their restarts.
   */
  initialAgeSeconds?: number;
  /** Add CoreDNS, the kubernetes/kube-dns Services and a default StorageClass (default true). */
  hasSystemComponents?: boolean;
}

/** A simulated cluster plus bulk loading. */
export type LoadableSimulatedCluster = SimulatedCluster & {
  /** Bulk insert without admission, creating missing namespaces, with one reconcile at the end. */
  load(objects: KubeObject[]): void;
};

/** Creates a simulated cluster (see the module comment). */
export function createSimulatedCluster(options: SimulatedClusterOptions): LoadableSimulatedCluster {
  const now = options.now ?? (() => new Date());
  const store = new ObjectStore();
  const memory = createSimulationMemory();
  const events = new EventRecorder(store, now);
  const images = new Map(options.images.map((image) => [image.repository, image]));
  const kyverno = createKyverno({ store, now, clusterName: options.name });
  const context: ControllerContext = {
    clusterName: options.name,
    store,
    images,
    events,
    memory,
    now,
    admit: (object) => kyverno.admit(object, 'CREATE'),
  };
  const { prepare, storeNew } = createObjectPreparation(options.name, store, memory);
  let lastTickMs = now().getTime();
  const initialAgeMs = (options.initialAgeSeconds ?? 7200) * 1000;

  function typeOf(apiVersion: string, kind: string): ResourceType {
    const type = typeForKind(apiVersion, kind);
    if (!type)
      throw new KubeApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (no matches for kind "${kind}" in version "${apiVersion}")`,
      );
    return type;
  }

  function resourceName(type: ResourceType): string {
    return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
  }

  function scopeOf(type: ResourceType, namespace: string | undefined): Set<string> | 'all' {
    if (!type.namespaced || type.kind === 'Namespace') return 'all';
    return new Set([namespace ?? 'default']);
  }

  function write(
    object: KubeObject,
    mode: 'create' | 'update' | 'apply',
    writeOptions: ApplyOptions = {},
  ): ApplyResult {
    tick();
    if (!object || typeof object !== 'object' || !object.metadata)
      throw new KubeApiError(400, 'BadRequest', 'the object has no metadata');
    const type = typeOf(object.apiVersion, object.kind);
    if (!object.metadata.name) {
      throw new KubeApiError(
        422,
        'Invalid',
        `${type.kind}${type.group ? `.${type.group}` : ''} "" is invalid: metadata.name: Required value: name ` +
          `or generateName is required`,
      );
    }
    const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    if (namespace !== undefined && !store.get('/Namespace', undefined, namespace)) {
      throw new KubeApiError(404, 'NotFound', `namespaces "${namespace}" not found`);
    }
    const { managedFields: _sent, ...sentMetadata } = object.metadata;
    const input: KubeObject = {
      ...object,
      metadata: { ...sentMetadata, name: object.metadata.name, ...(namespace !== undefined ? { namespace } : {}) },
    };
    const existing = store.get(typeKey(type), namespace, object.metadata.name);
    if (mode === 'create' && existing) {
      throw new KubeApiError(409, 'AlreadyExists', `${resourceName(type)} "${object.metadata.name}" already exists`);
    }
    if (mode === 'update') {
      if (!existing)
        throw new KubeApiError(404, 'NotFound', `${resourceName(type)} "${object.metadata.name}" not found`);
      const expected = object.metadata.resourceVersion;
      if (expected && expected !== existing.metadata.resourceVersion) {
        throw new KubeApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resourceName(type)} "${object.metadata.name}": the object has ` +
            `been modified; please apply your changes to the latest version and try again`,
        );
      }
    }
    let next = prepare(type, input, existing, now().getTime());
    checkImmutableFields(existing, next);
    const denials = kyverno.admit(next, existing ? 'UPDATE' : 'CREATE');
    if (denials.length > 0) {
      throw new AdmissionDeniedError(
        `${type.kind}/${namespace ?? ''}/${next.metadata.name}`,
        denials,
        formatAdmissionDenial(next, denials),
      );
    }
    let changed = !existing || !sameContent(existing, next);
    // An Apply that changes no value can still take (shared) ownership of fields.
    if ((changed || writeOptions.operation === 'Apply') && writeOptions.fieldManager) {
      const managedFields = updateManagedFields(existing, next, {
        manager: writeOptions.fieldManager,
        operation: writeOptions.operation ?? 'Update',
        time: isoSeconds(now().getTime()),
        ...(writeOptions.subresource ? { subresource: writeOptions.subresource } : {}),
        ...(writeOptions.applied ? { applied: writeOptions.applied } : {}),
      });
      changed ||= JSON.stringify(managedFields) !== JSON.stringify(existing?.metadata.managedFields ?? []);
      input.metadata.managedFields = managedFields;
      next = { ...next, metadata: { ...next.metadata, managedFields } };
    }
    if (writeOptions.dryRun) {
      return {
        object: {
          ...next,
          metadata: {
            ...next.metadata,
            resourceVersion: existing?.metadata.resourceVersion ?? String(store.currentRevision()),
          },
        },
        created: !existing,
        changed,
      };
    }
    if (!changed && existing) return { object: existing, created: false, changed: false };
    storeNew(type, input, now().getTime());
    if (type.kind.endsWith('Policy') && type.group === 'kyverno.io') kyverno.onPolicyChange();
    reconcile(context, scopeOf(type, namespace), kyverno);
    const stored = store.get(typeKey(type), namespace, object.metadata.name) as KubeObject;
    return { object: stored, created: !existing, changed };
  }

  /** Re-derives time-dependent state (crash loops, back-offs) when the clock moved on. */
  function tick(): void {
    const nowMs = now().getTime();
    if (nowMs - lastTickMs < 1000 && nowMs >= lastTickMs) return;
    lastTickMs = nowMs;
    events.expire();
    if (memory.timeDependentNamespaces.size === 0) return;
    const namespaces = new Set(memory.timeDependentNamespaces);
    memory.timeDependentNamespaces.clear();
    reconcile(context, namespaces, kyverno);
  }

  function collectDependents(owner: KubeObject, out: KubeObject[]): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const key of ['apps/ReplicaSet', '/Pod', 'discovery.k8s.io/EndpointSlice', 'batch/Job']) {
      for (const candidate of store.iterate(key, owner.metadata.namespace)) {
        if ((candidate.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid)) {
          out.push(candidate);
          collectDependents(candidate, out);
        }
      }
    }
  }

  function remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    tick();
    const type = typeOf(apiVersion, kind);
    const ns = type.namespaced ? (namespace ?? 'default') : undefined;
    const existing = store.get(typeKey(type), ns, name);
    if (!existing) return false;
    if (type.kind === 'Namespace') {
      if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) {
        throw new KubeApiError(
          403,
          'Forbidden',
          `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        );
      }
      for (const resource of allTypeKeys()) {
        for (const object of [...store.iterate(resource, name)]) store.remove(resource, name, object.metadata.name);
      }
    }
    const dependents: KubeObject[] = [];
    collectDependents(existing, dependents);
    for (const dependent of dependents) {
      const dependentType = typeForKind(dependent.apiVersion, dependent.kind);
      if (dependentType) store.remove(typeKey(dependentType), dependent.metadata.namespace, dependent.metadata.name);
    }
    store.remove(typeKey(type), ns, name);
    if (type.kind.endsWith('Policy') && type.group === 'kyverno.io') kyverno.onPolicyChange();
    reconcile(context, type.kind === 'Namespace' ? 'all' : scopeOf(type, ns), kyverno);
    return true;
  }

  function load(objects: KubeObject[]): void {
    const createdMs = now().getTime() - initialAgeMs;
    for (const object of objects) {
      const type = typeOf(object.apiVersion, object.kind);
      if (type.namespaced) ensureNamespaceAt(object.metadata.namespace ?? 'default', createdMs);
      const withNamespace = type.namespaced
        ? { ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? 'default' } }
        : object;
      storeNew(type, withNamespace, createdMs);
    }
    kyverno.onPolicyChange();
    reconcile(context, 'all', kyverno);
  }

  function ensureNamespaceAt(name: string, createdMs: number): void {
    if (store.get('/Namespace', undefined, name)) return;
    storeNew(typeOf('v1', 'Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, createdMs);
  }

  // Initial state: nodes and system objects, created "a while ago".
  {
    const createdMs = now().getTime() - initialAgeMs;
    const nodes = options.nodes ?? createWorkerNodes(options.name);
    const initial =
      options.hasSystemComponents === false ? systemObjects().filter((o) => o.kind === 'Namespace') : systemObjects();
    for (const object of [...nodes, ...initial]) storeNew(typeOf(object.apiVersion, object.kind), object, createdMs);
    kyverno.installCustomResourceDefinitions(createdMs);
    reconcile(context, 'all', kyverno);
  }

  return {
    name: options.name,
    apply: (object, applyOptions) => write(object, 'apply', applyOptions),
    write: (object, writeOptions) => write(object, writeOptions.mode, writeOptions),
    get(apiVersion, kind, namespace, name) {
      tick();
      const type = typeOf(apiVersion, kind);
      return store.get(typeKey(type), type.namespaced ? (namespace ?? 'default') : undefined, name);
    },
    list(apiVersion, kind, namespace) {
      tick();
      const type = typeOf(apiVersion, kind);
      return store.list(typeKey(type), type.namespaced ? namespace : undefined);
    },
    delete: remove,
    podLogs(namespace, pod, logOptions) {
      tick();
      return podLogLines(context, namespace, pod, logOptions ?? {})
        .map((line) => `${line.text}\n`)
        .join('');
    },
    podLogLines(namespace, pod, logOptions): PodLogLine[] {
      tick();
      return podLogLines(context, namespace, pod, logOptions ?? {});
    },
    subscribe(listener: (event: WatchEvent) => void) {
      return store.subscribe((change) => listener({ type: change.type, object: change.object }));
    },
    currentResourceVersion: () => {
      tick();
      return String(store.currentRevision());
    },
    changesSince(resourceVersion) {
      const changes = store.changesSince(Number(resourceVersion));
      return changes?.map((change) => ({ type: change.type, object: change.object }));
    },
    now,
    load,
  };
}

function allTypeKeys(): string[] {
  return RESOURCE_TYPES.filter((type) => type.namespaced).map((type) => typeKey(type));
}
