/**
 * Facts of the scheduling, storage, probe and Service-connectivity family, each read from
 * structured tool data: the nodeSelector the pod template asks for and the values nodes carry,
 * the claim and its StorageClass, the CPU limit of a probed container, the host an app could not
 * resolve and the Service it most likely meant, the NetworkPolicy that drops a call.
 */
import type { FixFact } from '../../skills/fix-cases.js';
import { claimChanges } from '../evidence/cause-phrases/scheduling.js';
import { unresolvedHosts } from '../gather/unreachable-hosts.js';
import type { ResultOf } from '../tool-results/result-schemas.js';

type Facts = Partial<Record<FixFact, string>>;

/** What the family reads, each tool's answers in gathered order. */
export interface SchedulingData {
  workloads: ReadonlyArray<ResultOf<'describe_workload'>>;
  resources: ReadonlyArray<ResultOf<'get_resource'>>;
  lists: ReadonlyArray<ResultOf<'list_resources'>>;
  services: ReadonlyArray<ResultOf<'check_service'>>;
  logLines: readonly string[];
}

type PodSpec = NonNullable<NonNullable<NonNullable<ResultOf<'get_resource'>['object']['spec']>['template']>['spec']>;

function podSpecOf(resource: ResultOf<'get_resource'>): PodSpec | undefined {
  return resource.object.spec?.template?.spec;
}

/** Label keys that name a node pool or group on common platforms (what a nodeSelector usually means). */
const POOL_KEY = /pool|nodegroup|instance-type|node-role|capacity-type/i;

/**
 * The nodeSelector terms no node matches and the labels the nodes do carry: the values of the
 * same keys, else (no node has the key) their node-pool labels.
 */
function nodeFacts(spec: PodSpec | undefined, nodes: ReadonlyArray<{ labels?: Record<string, string> }>): Facts {
  const selector = Object.entries(spec?.nodeSelector ?? {});
  if (selector.length === 0) return {};
  const unmatched = selector.filter(([key, value]) => !nodes.some((node) => node.labels?.[key] === value));
  const shown = unmatched.length > 0 ? unmatched : selector;
  const keys = new Set(shown.map(([key]) => key));
  const labels = nodes.flatMap((node) => Object.entries(node.labels ?? {}));
  const sameKey = labels.filter(([key]) => keys.has(key));
  const existing = [
    ...new Set(
      (sameKey.length > 0 ? sameKey : labels.filter(([key]) => POOL_KEY.test(key))).map(([k, v]) => `${k}=${v}`),
    ),
  ];
  return {
    nodeSelector: shown.map(([key, value]) => `${key}=${value}`).join(','),
    ...(existing.length > 0 ? { nodeLabels: existing.slice(0, 5).join(', ') } : {}),
  };
}

/** The CPU limit of the container a probe checks (the first container with one). */
function cpuFacts(spec: PodSpec | undefined): Facts {
  const containers = spec?.containers ?? [];
  const probed = containers.filter((c) => c.livenessProbe ?? c.readinessProbe ?? c.startupProbe);
  const limited = [...probed, ...containers].find((c) => c.resources?.limits?.cpu !== undefined);
  const limit = limited?.resources?.limits?.cpu;
  return limit === undefined ? {} : { cpuLimit: String(limit) };
}

/** Characters two names share from the start; ties are broken by length difference. */
function closeness(wanted: string, candidate: string): number {
  let shared = 0;
  while (shared < Math.min(wanted.length, candidate.length) && wanted[shared] === candidate[shared]) shared += 1;
  return shared * 2 - Math.abs(wanted.length - candidate.length) * 0.1;
}

/**
 * The Service a host that does not resolve most likely meant, as its cluster DNS name: one of
 * the same name in another namespace, else the closest name in the host's namespace (a rename
 * such as `shipping` → `shipping-svc`).
 */
export function meantService(
  host: string,
  services: ReadonlyArray<{ name: string; namespace?: string | undefined }>,
  defaultNamespace: string | undefined,
): string | undefined {
  const [name = '', rawNamespace] = host.split('.');
  const namespace = rawNamespace && rawNamespace !== 'svc' ? rawNamespace : defaultNamespace;
  const exists = services.some((s) => s.name === name && s.namespace === namespace);
  if (!name || exists) return undefined;
  const elsewhere = services.find((s) => s.name === name && s.namespace !== undefined);
  const near = services
    .filter((s) => s.namespace === namespace && s.name !== name)
    .map((s) => ({ s, score: closeness(name, s.name) }))
    .filter(({ s, score }) => score >= Math.min(name.length, 4) * 2 && (s.name.includes(name) || name.includes(s.name)))
    .sort((left, right) => right.score - left.score)[0]?.s;
  const meant = elsewhere ?? near;
  return meant?.namespace ? `${meant.name}.${meant.namespace}.svc.cluster.local` : undefined;
}

/** The host a caller could not resolve and the Service it most likely meant. */
function hostFacts(data: SchedulingData, namespace: string | undefined): Facts {
  const [host] = unresolvedHosts(data.logLines);
  if (!host) return {};
  const services = data.lists.flatMap((list) => (list.kind === 'Service' ? list.items : []));
  const meant = meantService(host, services, namespace);
  return { dependencyHost: host, ...(meant ? { serviceHost: meant } : {}) };
}

/** The ingress NetworkPolicy on a called Service's pods and the peers it admits (`role=frontend`). */
function policyFacts(services: SchedulingData['services']): Facts {
  for (const service of services) {
    const [policy] = service.networkPolicies;
    if (!policy) continue;
    const peers = policy.allowedFrom.map((peer) =>
      [
        peer.podSelector?.length ? `pods labelled ${peer.podSelector.join(',')}` : 'pods',
        peer.namespaceSelector
          ? `in namespaces labelled ${peer.namespaceSelector.join(',') || '(any)'}`
          : 'of its own namespace',
      ]
        .filter(Boolean)
        .join(' '),
    );
    return {
      networkPolicy: `NetworkPolicy ${service.namespace}/${policy.name}`,
      allowedPeers: peers.length > 0 ? peers.join(' or ') : 'no traffic (it has no ingress rule)',
    };
  }
  return {};
}

/** Every fact of the family the gathered data holds. */
export function schedulingFacts(data: SchedulingData, namespace: string | undefined): Facts {
  const spec = data.resources.map(podSpecOf).find((candidate) => candidate !== undefined);
  const nodes = data.lists.flatMap((list) => (list.kind === 'Node' ? list.items : []));
  const [claim] = data.workloads.flatMap((workload) => workload.unboundClaims);
  return {
    ...nodeFacts(spec, nodes),
    ...cpuFacts(spec),
    ...(claim ? { claim: `PersistentVolumeClaim ${claim.name}` } : {}),
    ...hostFacts(data, namespace),
    ...policyFacts(data.services),
  };
}

/**
 * A claim whose StorageClass a sync tried to change (the API server refused it): the claim, the
 * class it is bound with and the class the new revision asks for, from the failed sync's resources.
 */
export function claimChangeFacts(application: ResultOf<'get_application'> | undefined): Facts {
  for (const resource of application?.operation?.failedResources ?? []) {
    if (resource.kind !== 'PersistentVolumeClaim' || !resource.name) continue;
    const change = claimChanges(resource.message ?? '').find((candidate) => candidate.field === 'storageClassName');
    if (change) return { claim: resource.name, boundStorageClass: change.from, storageClass: change.to };
  }
  return {};
}
