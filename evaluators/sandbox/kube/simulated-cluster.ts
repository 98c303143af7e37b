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
import { updateManagedFields } from './managed-fields.js';
import { defaultObject } from './object-defaults.js';
import { ObjectStore } from './object-store.js';
import { apiVersionOf, RESOURCE_TYPES, type ResourceType, typeForKind, typeKey } from './resource-types.js';
import { stableNumber, stableUid } from './stable-id.js';
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

  /** Fills server-managed metadata and defaults; keeps what the server owns from `existing`. */
  function prepare(
    type: ResourceType,
    object: KubeObject,
    existing: KubeObject | undefined,
    createdMs: number,
  ): KubeObject {
    const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    const metadata = { ...object.metadata };
    delete metadata.resourceVersion;
    // managedFields belong to the server: write() computes them; otherwise the stored ones stay.
    if (metadata.managedFields === undefined && existing?.metadata.managedFields !== undefined)
      metadata.managedFields = existing.metadata.managedFields;
    if (namespace === undefined) delete metadata.namespace;
    else metadata.namespace = namespace;
    metadata.uid =
      existing?.metadata.uid ??
      stableUid(`${options.name}|${typeKey(type)}|${namespace ?? ''}|${object.metadata.name}|${createdMs}`);
    metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ??
      (typeof object.metadata.creationTimestamp === 'string'
        ? object.metadata.creationTimestamp
        : isoSeconds(createdMs));
    if (existing?.metadata.ownerReferences && !metadata.ownerReferences)
      metadata.ownerReferences = existing.metadata.ownerReferences;
    let next = defaultObject({ ...object, apiVersion: apiVersionOf(type), metadata });
    if (existing && existing.status !== undefined && type.kind !== 'Namespace') {
      // Status belongs to the server: writes of the main resource keep the stored one.
      next = { ...next, status: existing.status };
    } else if (!existing && next.status !== undefined && hasControllerStatus(type.kind)) {
      const { status: _status, ...rest } = next;
      next = rest as KubeObject;
    }
    if (type.kind === 'Service') next = withClusterIp(next, existing);
    const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(next.spec);
    const generation = existing?.metadata.generation ?? 0;
    if (hasGeneration(type)) next.metadata.generation = specChanged ? generation + 1 : Math.max(1, generation);
    return next;
  }

  function withClusterIp(service: KubeObject, existing: KubeObject | undefined): KubeObject {
    const spec = service.spec as { clusterIP?: string; type?: string };
    if (spec.clusterIP) return service;
    const kept = (existing?.spec as { clusterIP?: string } | undefined)?.clusterIP;
    const ip = kept ?? allocateServiceIp(`${service.metadata.namespace ?? ''}/${service.metadata.name}`);
    return { ...service, spec: { ...spec, clusterIP: ip, clusterIPs: [ip] } };
  }

  function allocateServiceIp(seed: string): string {
    const base = stableNumber(`svc|${options.name}|${seed}`);
    for (let probe = 0; probe < 1_000_000; probe++) {
      const offset = ((base + probe) % 1_048_000) + 20;
      const ip = `10.${96 + Math.floor(offset / 65536)}.${Math.floor(offset / 256) % 256}.${offset % 256}`;
      if (offset % 256 !== 0 && offset % 256 !== 255 && !memory.usedIps.has(ip)) {
        memory.usedIps.add(ip);
        return ip;
      }
    }
    throw new KubeApiError(
      500,
      'InternalError',
      'Internal error occurred: failed to allocate a serviceIP: range is full',
    );
  }

  /** Stores a new or replaced object and the objects that come with it (service accounts). */
  function storeNew(type: ResourceType, object: KubeObject, createdMs: number): KubeObject {
    const existing = store.get(typeKey(type), object.metadata.namespace, object.metadata.name);
    const next = prepare(type, object, existing, createdMs);
    const isSame =
      existing !== undefined &&
      sameContent(existing, next) &&
      JSON.stringify(existing.metadata.managedFields) === JSON.stringify(next.metadata.managedFields);
    const stored = isSame ? existing : store.put(typeKey(type), next);
    if (type.kind === 'Namespace' && !existing) {
      const name = stored.metadata.name;
      store.put('/ServiceAccount', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'default',
          namespace: name,
          uid: stableUid(`${options.name}|sa|${name}`),
          creationTimestamp: stored.metadata.creationTimestamp,
        },
      });
      store.put('/ConfigMap', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: name,
          uid: stableUid(`${options.name}|ca|${name}`),
          creationTimestamp: stored.metadata.creationTimestamp,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints ' +
              'such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across ' +
              'distributions of Kubernetes clusters.',
          },
        },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n' },
      });
    }
    return stored;
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

function hasControllerStatus(kind: string): boolean {
  return [
    'Deployment',
    'ReplicaSet',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'Pod',
    'PersistentVolumeClaim',
    'HorizontalPodAutoscaler',
    'ClusterPolicy',
    'Policy',
  ].includes(kind);
}

function hasGeneration(type: ResourceType): boolean {
  return [
    'Deployment',
    'ReplicaSet',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'CronJob',
    'HorizontalPodAutoscaler',
    'Ingress',
    'NetworkPolicy',
    'ClusterPolicy',
    'Policy',
    'CustomResourceDefinition',
  ].includes(type.kind);
}

function allTypeKeys(): string[] {
  return RESOURCE_TYPES.filter((type) => type.namespaced).map((type) => typeKey(type));
}
