import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';

/** Kinds that have no namespace; everything else gets the app's destination namespace. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'PriorityClass',
  'ClusterPolicy',
  'ClusterPolicyReport',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

/** True when objects of this kind live in a namespace. */
export function isNamespacedKind(kind: string): boolean {
  return !CLUSTER_SCOPED_KINDS.has(kind);
}

function ownedBy(object: KubeObject, uids: ReadonlySet<string>): boolean {
  return (object.metadata.ownerReferences ?? []).some((owner) => uids.has(owner.uid));
}

/** Direct children of `owner` among `candidates` (matching ownerReferences by uid). */
export function childrenOf(owner: KubeObject, candidates: readonly KubeObject[]): KubeObject[] {
  const uid = owner.metadata.uid;
  if (!uid) return [];
  const uids = new Set([uid]);
  return candidates.filter((candidate) => ownedBy(candidate, uids));
}

/** Pods a workload runs: through ReplicaSets for Deployments, directly for the others. */
export function podsOfWorkload(cluster: SimulatedCluster, workload: KubeObject): KubeObject[] {
  const namespace = workload.metadata.namespace;
  if (!namespace || !workload.metadata.uid) return [];
  if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(workload.kind)) return [];
  const pods = cluster.list('v1', 'Pod', namespace);
  if (workload.kind !== 'Deployment') return childrenOf(workload, pods);
  const replicaSets = childrenOf(workload, cluster.list('apps/v1', 'ReplicaSet', namespace));
  const uids = new Set(replicaSets.map((replicaSet) => replicaSet.metadata.uid ?? ''));
  return pods.filter((pod) => ownedBy(pod, uids));
}

/** Container images a live workload or pod declares (deduplicated, in order). */
export function imagesOf(object: KubeObject): string[] {
  const spec = object.spec as
    | ({
        template?: { spec?: PodSpecLike };
        jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } };
      } & PodSpecLike)
    | undefined;
  const podSpec: PodSpecLike | undefined =
    object.kind === 'Pod' ? spec : (spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec);
  const images = [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])]
    .map((container) => container.image)
    .filter((image): image is string => typeof image === 'string');
  return [...new Set(images)];
}

interface PodSpecLike {
  containers?: Array<{ image?: string; name?: string }>;
  initContainers?: Array<{ image?: string; name?: string }>;
}
