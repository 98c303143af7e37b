import { z } from 'zod';
import { findWellKnownType, type ResourceType } from '../common/kube-types.js';
import type { KubeClient } from '../common/kube-client.js';
import type { PodShape } from './kube-shapes.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

/** A label selector as NetworkPolicies write it (matchLabels only is read; expressions are kept as text). */
interface SelectorShape {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface NetworkPolicyShape {
  metadata: { name: string; namespace?: string };
  spec?: {
    podSelector?: SelectorShape;
    policyTypes?: string[];
    ingress?: Array<{ from?: Array<{ podSelector?: SelectorShape; namespaceSelector?: SelectorShape }> }>;
  };
}

/** One ingress peer a policy admits, its selectors as `key=value` or expression text. */
const peerSchema = z.object({
  podSelector: z.array(z.string()).optional(),
  namespaceSelector: z.array(z.string()).optional(),
});

/** Output shape: the ingress NetworkPolicies that select a Service's pods and the peers they admit. */
export const ingressPolicySchema = z.object({
  name: z.string(),
  /** Peers the policy admits; empty means it admits no traffic at all. */
  allowedFrom: z.array(peerSchema),
});

export type IngressPolicy = z.infer<typeof ingressPolicySchema>;

function selectorTerms(selector: SelectorShape | undefined): string[] {
  return [
    ...Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(selector?.matchExpressions ?? []).map(
      (term) => `${term.key} ${term.operator}${term.values ? ` (${term.values.join(', ')})` : ''}`,
    ),
  ];
}

/** Whether a selector (an empty one selects every pod) selects a pod's labels, matchLabels and In/NotIn/Exists. */
export function selectsLabels(selector: SelectorShape | undefined, labels: Record<string, string> = {}): boolean {
  const isLabelMatch = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    isLabelMatch &&
    (selector?.matchExpressions ?? []).every((term) => {
      const value = labels[term.key];
      if (term.operator === 'In') return value !== undefined && (term.values ?? []).includes(value);
      if (term.operator === 'NotIn') return value === undefined || !(term.values ?? []).includes(value);
      if (term.operator === 'Exists') return value !== undefined;
      if (term.operator === 'DoesNotExist') return value === undefined;
      return false;
    })
  );
}

/**
 * The NetworkPolicies of a namespace that restrict ingress to any of `pods`, each with the peers
 * it admits: once one selects a pod, traffic from anyone else is dropped (a caller sees a timeout).
 */
export async function ingressPoliciesFor(
  kube: KubeClient,
  namespace: string,
  pods: readonly PodShape[],
): Promise<IngressPolicy[]> {
  if (pods.length === 0) return [];
  let policies: NetworkPolicyShape[];
  try {
    policies = (await kube.list(type('NetworkPolicy'), { namespace })) as NetworkPolicyShape[];
  } catch {
    // Not allowed to list NetworkPolicies (RBAC) or the API lacks them: the rest of the check stands.
    return [];
  }
  return policies
    .filter((policy) => {
      const types = policy.spec?.policyTypes ?? ['Ingress'];
      return (
        types.includes('Ingress') &&
        pods.some((pod) => selectsLabels(policy.spec?.podSelector, pod.metadata.labels ?? {}))
      );
    })
    .map((policy) => ({
      name: policy.metadata.name,
      allowedFrom: (policy.spec?.ingress ?? []).flatMap((rule) =>
        (rule.from ?? []).map((peer) => ({
          ...(peer.podSelector ? { podSelector: selectorTerms(peer.podSelector) } : {}),
          ...(peer.namespaceSelector ? { namespaceSelector: selectorTerms(peer.namespaceSelector) } : {}),
        })),
      ),
    }));
}

/** A policy and its peers as one line: `points-api-allow (admits pods role=frontend)`. */
export function policyLine(policy: IngressPolicy): string {
  const peers = policy.allowedFrom.map((peer) =>
    [
      peer.podSelector ? `pods ${peer.podSelector.join(',') || '(any)'}` : undefined,
      peer.namespaceSelector ? `namespaces ${peer.namespaceSelector.join(',') || '(any)'}` : undefined,
    ]
      .filter(Boolean)
      .join(' in '),
  );
  return `${policy.name} (admits ${peers.length > 0 ? peers.join('; ') : 'no traffic'})`;
}
