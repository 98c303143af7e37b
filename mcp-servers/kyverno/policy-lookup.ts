import { McpServerError } from '../common/errors.js';
import type { KubeClient } from '../common/kube-client.js';
import { findWellKnownType, type ResourceType } from '../common/kube-types.js';
import { closestMatches } from '../common/output-budget.js';
import type { KyvernoPolicy, PolicyReport } from './policy-shapes.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

/** All ClusterPolicies plus Policies (of one namespace or all). A cluster without Kyverno CRDs is reported clearly. */
export async function listAllPolicies(kube: KubeClient, namespace?: string): Promise<KyvernoPolicy[]> {
  try {
    const [cluster, namespaced] = await Promise.all([
      kube.list(type('ClusterPolicy')) as Promise<KyvernoPolicy[]>,
      kube.list(type('Policy'), namespace ? { namespace } : {}) as Promise<KyvernoPolicy[]>,
    ]);
    return [...cluster, ...namespaced];
  } catch (error) {
    if (error instanceof McpServerError && error.code === 'not_found') {
      throw new McpServerError(
        'not_found',
        'Kyverno policy CRDs (kyverno.io/v1) are not installed in this cluster, so no Kyverno policy can apply here.',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Finds a policy by name (ClusterPolicy first, then Policy in the namespace or anywhere). */
export async function resolvePolicy(kube: KubeClient, name: string, namespace?: string): Promise<KyvernoPolicy> {
  const clusterPolicy = (await kube.get(type('ClusterPolicy'), undefined, name)) as KyvernoPolicy | undefined;
  if (clusterPolicy) return clusterPolicy;
  if (namespace) {
    const policy = (await kube.get(type('Policy'), namespace, name)) as KyvernoPolicy | undefined;
    if (policy) return policy;
  }
  const all = await listAllPolicies(kube, namespace);
  const same = all.filter((policy) => policy.metadata.name === name);
  if (same.length === 1 && same[0]) return same[0];
  const closest = closestMatches(
    name,
    all.map((policy) => policy.metadata.name),
  );
  throw new McpServerError(
    'not_found',
    `No Kyverno policy named ` +
      (`'${name}'${namespace ? ` (cluster-wide or in ${namespace})` : ''}.` +
        `${closest.length ? ` Closest: ${closest.join(', ')}.` : ''} `) +
      `Call list_policies to see the policies.`,
  );
}

/** PolicyReports (namespace or all) plus ClusterPolicyReports; an absent CRD counts as no reports. */
export async function listReports(kube: KubeClient, namespace?: string): Promise<PolicyReport[]> {
  const safeList = async (kind: string, options: { namespace?: string }) => {
    try {
      return (await kube.list(type(kind), options)) as PolicyReport[];
    } catch (error) {
      if (error instanceof McpServerError && error.code === 'not_found') return [];
      throw error;
    }
  };
  const [reports, clusterReports] = await Promise.all([
    safeList('PolicyReport', namespace ? { namespace } : {}),
    namespace ? Promise.resolve([]) : safeList('ClusterPolicyReport', {}),
  ]);
  return [...reports, ...clusterReports];
}
