import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import type { ApplicationRecord, ComparedResource, ComparisonResult } from './application-record.js';
import { TRACKING_ANNOTATION, compareWithTarget, resourceKey, splitApiVersion, trackingId } from './compare.js';
import { isWorseHealth, resourceHealth, type HealthStatusCode } from './health.js';
import { imagesOf, isNamespacedKind, podsOfWorkload } from './live-objects.js';
import type { RenderedSource } from './render-manifests.js';
import type { HelmSource } from './types.js';

/** What comparing an app needs from its Argo CD instance. */
export interface CompareContext {
  now: () => Date;
  render: (revision: string, path: string, helm?: HelmSource) => Promise<RenderedSource>;
  cluster: (destinationName: string) => SimulatedCluster | undefined;
  /** The API URL of the destination when it is down (Argo CD cannot read live state). */
  unreachableServer?: (destinationName: string) => string | undefined;
}

/**
 * Rendered objects as Argo CD applies them: the destination namespace filled in for namespaced
 * kinds that do not set one, and the tracking annotation added.
 */
export function prepareTargets(appName: string, namespace: string, objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => {
    const copy = structuredClone(object);
    if (isNamespacedKind(copy.kind) && !copy.metadata.namespace) copy.metadata.namespace = namespace;
    if (!isNamespacedKind(copy.kind)) delete copy.metadata.namespace;
    copy.metadata.annotations = { ...copy.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(appName, copy) };
    return copy;
  });
}

/** Argo CD's kind order for syncs (namespaces and config before workloads). */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
];

/** Sorts objects in the order Argo CD syncs them (unknown kinds last, then by name). */
export function sortForSync<T extends { kind: string; metadata: { name: string } }>(objects: readonly T[]): T[] {
  const rank = (kind: string): number => {
    const index = KIND_ORDER.indexOf(kind);
    return index < 0 ? KIND_ORDER.length : index;
  };
  return [...objects].sort(
    (a, b) =>
      rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

function describeHealth(object: KubeObject | undefined, cluster: SimulatedCluster): ReturnType<typeof resourceHealth> {
  if (!object) return resourceHealth(undefined);
  return resourceHealth(object, podsOfWorkload(cluster, object));
}

/**
 * Reconciles one app: renders its target revision, compares every desired object with the live
 * one, and derives per-resource and app sync/health like Argo CD's controller.
 */
export async function compareApplication(
  record: ApplicationRecord,
  context: CompareContext,
): Promise<ComparisonResult> {
  const { definition } = record;
  const now = context.now().toISOString();
  const comparedTo = { source: definition.source, destination: definition.destination };
  const watchedNamespaces = new Set<string>([definition.destination.namespace]);
  const cluster = context.cluster(definition.destination.name ?? definition.destination.server ?? '');
  if (!cluster) {
    const message =
      `Application destination {${definition.destination.server ?? ''} ${definition.destination.name ?? ''}} is ` +
      `invalid: there are no clusters with this name: ${definition.destination.name ?? ''}`;
    return {
      resources: [],
      status: {
        resources: [],
        sync: { status: 'Unknown', comparedTo },
        health: { status: 'Unknown' },
        reconciledAt: now,
        summary: {},
      },
      conditions: [{ type: 'InvalidSpecError', message, lastTransitionTime: now }],
      watchedNamespaces,
    };
  }

  const downServer = context.unreachableServer?.(definition.destination.name ?? definition.destination.server ?? '');
  if (downServer) {
    const host = downServer.replace(/^https?:\/\//, '');
    const message =
      `Failed to load live state: failed to get cluster info for "${downServer}": error synchronizing cache state ` +
      `: failed to sync cluster ${downServer}: failed to load initial state of resource Pod: Get ` +
      `"${downServer}/api/v1/pods?limit=500": dial tcp ${host}: i/o timeout`;
    return {
      resources: record.comparison?.resources ?? [],
      status: {
        resources: record.comparison?.status.resources ?? [],
        sync: { status: 'Unknown', comparedTo },
        health: { status: 'Unknown' },
        reconciledAt: now,
        summary: record.comparison?.status.summary ?? {},
      },
      conditions: [{ type: 'ComparisonError', message, lastTransitionTime: now }],
      watchedNamespaces,
    };
  }

  let rendered: RenderedSource;
  try {
    rendered = await context.render(definition.source.targetRevision, definition.source.path, definition.source.helm);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc ` +
      `= ${reason}`;
    return {
      resources: [],
      status: {
        resources: [],
        sync: { status: 'Unknown', comparedTo },
        health: { status: 'Healthy' },
        reconciledAt: now,
        summary: {},
      },
      conditions: [{ type: 'ComparisonError', message, lastTransitionTime: now }],
      watchedNamespaces,
    };
  }

  const targets = prepareTargets(definition.name, definition.destination.namespace, rendered.objects);
  const compared: ComparedResource[] = [];
  const targetKeys = new Set<string>();
  for (const target of sortForSync(targets)) {
    targetKeys.add(resourceKey(target));
    watchedNamespaces.add(target.metadata.namespace ?? '');
    const live = cluster.get(target.apiVersion, target.kind, target.metadata.namespace, target.metadata.name);
    const differences = live ? compareWithTarget(target, live) : [];
    const { group, version } = splitApiVersion(target.apiVersion);
    const health = describeHealth(live, cluster);
    compared.push({
      target,
      live,
      differences,
      health,
      status: {
        group,
        version,
        kind: target.kind,
        namespace: target.metadata.namespace ?? '',
        name: target.metadata.name,
        status: live && differences.length === 0 ? 'Synced' : 'OutOfSync',
        ...(health
          ? { health: { status: health.status, ...(health.message ? { message: health.message } : {}) } }
          : {}),
      },
    });
  }
  for (const [key, applied] of record.applied) {
    if (targetKeys.has(key)) continue;
    const live = cluster.get(applied.apiVersion, applied.kind, applied.namespace, applied.name);
    if (!live) continue;
    const { group, version } = splitApiVersion(applied.apiVersion);
    const health = describeHealth(live, cluster);
    compared.push({
      live,
      differences: [],
      health,
      status: {
        group,
        version,
        kind: applied.kind,
        namespace: applied.namespace ?? '',
        name: applied.name,
        status: 'OutOfSync',
        requiresPruning: true,
        ...(health
          ? { health: { status: health.status, ...(health.message ? { message: health.message } : {}) } }
          : {}),
      },
    });
  }

  let appHealth: HealthStatusCode = 'Healthy';
  for (const resource of compared) {
    if (resource.status.requiresPruning) continue;
    const status = resource.health?.status;
    if (status && isWorseHealth(status, appHealth)) appHealth = status;
  }
  const images = [...new Set(compared.flatMap((resource) => (resource.live ? imagesOf(resource.live) : [])))];
  const isOutOfSync = compared.some((resource) => resource.status.status === 'OutOfSync');
  return {
    revision: rendered.revision,
    sourceType: rendered.sourceType,
    resources: compared,
    status: {
      resources: compared.map((resource) => resource.status),
      sync: { status: isOutOfSync ? 'OutOfSync' : 'Synced', comparedTo, revision: rendered.revision },
      health: { status: appHealth },
      reconciledAt: now,
      sourceType: rendered.sourceType,
      summary: images.length > 0 ? { images } : {},
    },
    conditions: [],
    watchedNamespaces,
  };
}
