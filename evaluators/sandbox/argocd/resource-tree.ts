import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import type { ComparisonResult } from './application-record.js';
import { splitApiVersion } from './compare.js';
import { podHealth, resourceHealth, type ResourceHealth } from './health.js';
import { childrenOf, imagesOf } from './live-objects.js';

/** A `v1alpha1ResourceNode`. */
export interface ResourceNode {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  createdAt?: string;
  parentRefs?: Array<{ group: string; kind: string; namespace: string; name: string; uid: string }>;
  health?: { status: string; message?: string };
  images?: string[];
  info?: Array<{ name: string; value: string }>;
  networkingInfo?: {
    labels?: Record<string, string>;
    targetLabels?: Record<string, string>;
    targetRefs?: Array<{ kind: string; namespace: string; name: string }>;
  };
}

/** A `v1alpha1ApplicationTree`. */
export interface ApplicationTree {
  nodes: ResourceNode[];
  orphanedNodes: ResourceNode[];
  hosts: Array<{ name: string }>;
}

interface PodStatusLike {
  phase?: string;
  reason?: string;
  containerStatuses?: Array<{
    ready?: boolean;
    restartCount?: number;
    state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
  }>;
}

/** The info column Argo CD shows for pods: status reason, node, containers ready, restarts. */
function podInfo(pod: KubeObject): Array<{ name: string; value: string }> {
  const status = (pod.status ?? {}) as PodStatusLike;
  const containers = status.containerStatuses ?? [];
  const total = ((pod.spec as { containers?: unknown[] } | undefined)?.containers ?? []).length;
  const waiting = containers
    .map((container) => container.state?.waiting?.reason ?? container.state?.terminated?.reason)
    .find((reason) => reason);
  const ready = containers.filter((container) => container.ready).length;
  const restarts = containers.reduce((sum, container) => sum + (container.restartCount ?? 0), 0);
  const info = [{ name: 'Status Reason', value: waiting ?? status.reason ?? status.phase ?? 'Pending' }];
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (node) info.push({ name: 'Node', value: node });
  info.push({ name: 'Containers', value: `${ready}/${total}` });
  if (restarts > 0) info.push({ name: 'Restart Count', value: String(restarts) });
  return info;
}

function toNode(object: KubeObject, health: ResourceHealth | undefined, parent?: KubeObject): ResourceNode {
  const { group, version } = splitApiVersion(object.apiVersion);
  const node: ResourceNode = {
    group,
    version,
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    uid: object.metadata.uid ?? '',
    resourceVersion: object.metadata.resourceVersion ?? '',
    ...(object.metadata.creationTimestamp ? { createdAt: object.metadata.creationTimestamp } : {}),
  };
  if (parent) {
    node.parentRefs = [
      {
        group: splitApiVersion(parent.apiVersion).group,
        kind: parent.kind,
        namespace: parent.metadata.namespace ?? '',
        name: parent.metadata.name,
        uid: parent.metadata.uid ?? '',
      },
    ];
  }
  if (health) node.health = { status: health.status, ...(health.message ? { message: health.message } : {}) };
  const images = imagesOf(object);
  if (images.length > 0) node.images = images;
  if (object.kind === 'Pod') {
    node.info = podInfo(object);
    if (object.metadata.labels) node.networkingInfo = { labels: object.metadata.labels };
  }
  if (object.kind === 'ReplicaSet') {
    const revision = object.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (revision) node.info = [{ name: 'Revision', value: `Rev:${revision}` }];
  }
  if (object.kind === 'Service') {
    const selector = (object.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (selector) node.networkingInfo = { targetLabels: selector };
  }
  if (object.kind === 'Ingress') {
    const rules =
      (
        object.spec as
          { rules?: Array<{ http?: { paths?: Array<{ backend?: { service?: { name?: string } } }> } }> } | undefined
      )?.rules ?? [];
    const services = rules
      .flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend?.service?.name))
      .filter((name): name is string => !!name);
    node.networkingInfo = {
      targetRefs: [...new Set(services)].map((name) => ({
        kind: 'Service',
        namespace: object.metadata.namespace ?? '',
        name,
      })),
    };
  }
  return node;
}

/**
 * The resource tree Argo CD shows: every managed live resource plus what it owns
 * (Deployment → ReplicaSet → Pod, CronJob → Job → Pod, StatefulSet/DaemonSet/Job → Pod, Service → Endpoints).
 */
export function buildResourceTree(
  comparison: ComparisonResult | undefined,
  cluster: SimulatedCluster | undefined,
): ApplicationTree {
  const nodes: ResourceNode[] = [];
  if (!comparison || !cluster) return { nodes, orphanedNodes: [], hosts: [] };
  const seen = new Set<string>();
  const add = (object: KubeObject, health: ResourceHealth | undefined, parent?: KubeObject): void => {
    const key = object.metadata.uid ?? `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    nodes.push(toNode(object, health, parent));
    const namespace = object.metadata.namespace;
    if (!namespace) return;
    if (object.kind === 'Deployment') {
      for (const replicaSet of childrenOf(object, cluster.list('apps/v1', 'ReplicaSet', namespace))) {
        add(
          replicaSet,
          resourceHealth(replicaSet, childrenOf(replicaSet, cluster.list('v1', 'Pod', namespace))),
          object,
        );
      }
    } else if (object.kind === 'CronJob') {
      for (const job of childrenOf(object, cluster.list('batch/v1', 'Job', namespace))) {
        add(job, resourceHealth(job, childrenOf(job, cluster.list('v1', 'Pod', namespace))), object);
      }
    } else if (['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)) {
      for (const pod of childrenOf(object, cluster.list('v1', 'Pod', namespace))) add(pod, podHealth(pod), object);
    } else if (object.kind === 'Service') {
      const endpoints = cluster.get('v1', 'Endpoints', namespace, object.metadata.name);
      if (endpoints) add(endpoints, undefined, object);
    }
  };
  for (const resource of comparison.resources) {
    if (resource.live) add(resource.live, resource.health);
  }
  const hosts = [
    ...new Set(
      nodes
        .filter((node) => node.kind === 'Pod')
        .map((node) => node.info?.find((item) => item.name === 'Node')?.value)
        .filter((name): name is string => !!name),
    ),
  ].sort();
  return { nodes, orphanedNodes: [], hosts: hosts.map((name) => ({ name })) };
}
