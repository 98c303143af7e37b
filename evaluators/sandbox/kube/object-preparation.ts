/**
 * How the API server completes an object before storing it: server-managed metadata (uid,
 * creation time, generation, owner references kept), defaults, a Service's cluster IP, status
 * kept from the stored object, and the objects a new Namespace comes with.
 */
import type { KubeObject } from './cluster-api.js';
import { KubeApiError } from './cluster-api.js';
import { defaultObject } from './object-defaults.js';
import type { ObjectStore } from './object-store.js';
import { apiVersionOf, type ResourceType, typeKey } from './resource-types.js';
import { stableNumber, stableUid } from './stable-id.js';
import { isoSeconds, sameContent, type SimulationMemory } from './controllers/context.js';

/** Completes and stores objects for one cluster. */
export interface ObjectPreparation {
  /** Fills server-managed metadata and defaults; keeps what the server owns from `existing`. */
  prepare(type: ResourceType, object: KubeObject, existing: KubeObject | undefined, createdMs: number): KubeObject;
  /** Stores a new or replaced object and the objects that come with it (service accounts). */
  storeNew(type: ResourceType, object: KubeObject, createdMs: number): KubeObject;
}

/** Creates the object preparation of one cluster (see the module comment). */
export function createObjectPreparation(
  clusterName: string,
  store: ObjectStore,
  memory: SimulationMemory,
): ObjectPreparation {
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
      stableUid(`${clusterName}|${typeKey(type)}|${namespace ?? ''}|${object.metadata.name}|${createdMs}`);
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
    const base = stableNumber(`svc|${clusterName}|${seed}`);
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
          uid: stableUid(`${clusterName}|sa|${name}`),
          creationTimestamp: stored.metadata.creationTimestamp,
        },
      });
      store.put('/ConfigMap', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: name,
          uid: stableUid(`${clusterName}|ca|${name}`),
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

  return { prepare, storeNew };
}

function hasControllerStatus(kind: string): boolean {
  return [
    'Deployment',
    'ReplicaSet',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'CronJob',
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
