/** Any Kubernetes object as the API serves it (plain JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

/** Where a kind lives in the API. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** `group/version` as used in apiVersion. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function t(group: string, version: string, kind: string, plural: string, namespaced = true): ResourceType {
  return { group, version, kind, plural, namespaced };
}

/** Kinds every cluster serves, so common look-ups need no discovery round trip. */
export const WELL_KNOWN_TYPES: readonly ResourceType[] = [
  t('', 'v1', 'Pod', 'pods'),
  t('', 'v1', 'Service', 'services'),
  t('', 'v1', 'ConfigMap', 'configmaps'),
  t('', 'v1', 'Secret', 'secrets'),
  t('', 'v1', 'Event', 'events'),
  t('', 'v1', 'Endpoints', 'endpoints'),
  t('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims'),
  t('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  t('', 'v1', 'ResourceQuota', 'resourcequotas'),
  t('', 'v1', 'LimitRange', 'limitranges'),
  t('', 'v1', 'Namespace', 'namespaces', false),
  t('', 'v1', 'Node', 'nodes', false),
  t('', 'v1', 'PersistentVolume', 'persistentvolumes', false),
  t('apps', 'v1', 'Deployment', 'deployments'),
  t('apps', 'v1', 'StatefulSet', 'statefulsets'),
  t('apps', 'v1', 'DaemonSet', 'daemonsets'),
  t('apps', 'v1', 'ReplicaSet', 'replicasets'),
  t('apps', 'v1', 'ControllerRevision', 'controllerrevisions'),
  t('batch', 'v1', 'Job', 'jobs'),
  t('batch', 'v1', 'CronJob', 'cronjobs'),
  t('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  t('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  t('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  t('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  t('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  t('kyverno.io', 'v1', 'ClusterPolicy', 'clusterpolicies', false),
  t('kyverno.io', 'v1', 'Policy', 'policies'),
  t('wgpolicyk8s.io', 'v1alpha2', 'PolicyReport', 'policyreports'),
  t('wgpolicyk8s.io', 'v1alpha2', 'ClusterPolicyReport', 'clusterpolicyreports', false),
  t('argoproj.io', 'v1alpha1', 'Application', 'applications'),
];

/** Common short names (as kubectl accepts them). */
const SHORT_NAMES: Record<string, string> = {
  po: 'pods',
  svc: 'services',
  cm: 'configmaps',
  ev: 'events',
  ep: 'endpoints',
  pvc: 'persistentvolumeclaims',
  sa: 'serviceaccounts',
  ns: 'namespaces',
  no: 'nodes',
  pv: 'persistentvolumes',
  deploy: 'deployments',
  sts: 'statefulsets',
  ds: 'daemonsets',
  rs: 'replicasets',
  cj: 'cronjobs',
  ing: 'ingresses',
  netpol: 'networkpolicies',
  hpa: 'horizontalpodautoscalers',
  pdb: 'poddisruptionbudgets',
  cpol: 'clusterpolicies',
  pol: 'policies',
  polr: 'policyreports',
  cpolr: 'clusterpolicyreports',
  app: 'applications',
  apps: 'applications',
};

/**
 * Finds a well-known type by kind, plural, singular or short name (case-insensitive), optionally
 * pinned to an apiVersion.
 */
export function findWellKnownType(kind: string, apiVersion?: string): ResourceType | undefined {
  const wanted = kind.toLowerCase();
  const plural = SHORT_NAMES[wanted] ?? wanted;
  return WELL_KNOWN_TYPES.find(
    (type) =>
      (type.kind.toLowerCase() === wanted || type.plural === plural || `${type.kind.toLowerCase()}s` === wanted) &&
      (apiVersion === undefined || apiVersionOf(type) === apiVersion),
  );
}
