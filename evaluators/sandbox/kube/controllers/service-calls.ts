/**
 * What a running process meets when it calls a Service: `no such host` for a name that does not
 * resolve, `connection refused` when no pod backs it, and an `i/o timeout` when NetworkPolicies
 * isolate every backend from the caller (ingress rules by pod and namespace selector).
 */
import type { KubeObject } from '../cluster-api.js';
import { matchesLabelSelector, type LabelSelector } from '../selectors.js';
import type { ControllerContext } from './context.js';
import { serviceBackends } from './endpoints.js';

interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: Array<{ from?: NetworkPolicyPeer[] }>;
}

/** True when no NetworkPolicy selecting `target` exists, or one of those admits `source`. */
export function isIngressAllowed(context: ControllerContext, source: KubeObject, target: KubeObject): boolean {
  const namespace = target.metadata.namespace ?? 'default';
  const policies = context.store
    .list('networking.k8s.io/NetworkPolicy', namespace)
    .map((policy) => (policy.spec ?? {}) as NetworkPolicySpec)
    .filter(
      (spec) =>
        (spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
        matchesLabelSelector(target.metadata.labels, spec.podSelector),
    );
  if (policies.length === 0) return true;
  const sourceNamespace = source.metadata.namespace ?? 'default';
  const namespaceLabels = {
    'kubernetes.io/metadata.name': sourceNamespace,
    ...(context.store.get('/Namespace', undefined, sourceNamespace)?.metadata.labels ?? {}),
  };
  const admits = (peer: NetworkPolicyPeer): boolean => {
    const isNamespaceOk = peer.namespaceSelector
      ? matchesLabelSelector(namespaceLabels, peer.namespaceSelector)
      : sourceNamespace === namespace;
    const isPodOk = peer.podSelector ? matchesLabelSelector(source.metadata.labels, peer.podSelector) : true;
    return isNamespaceOk && isPodOk;
  };
  return policies.some((spec) =>
    (spec.ingress ?? []).some((rule) => rule.from === undefined || rule.from.length === 0 || rule.from.some(admits)),
  );
}

/** The error a call to `target` (`host[:port]`) produces right now, or undefined if it works. */
export function callFailure(context: ControllerContext, pod: KubeObject, target: string): string | undefined {
  const withoutScheme = target.replace(/^[a-z]+:\/\//, '');
  const [hostPort = ''] = withoutScheme.split('/');
  const [host = '', portText] = hostPort.split(':');
  const parts = host.split('.');
  const podNamespace = pod.metadata.namespace ?? 'default';
  let serviceName: string;
  let namespace: string;
  if (parts.length === 1) {
    serviceName = host;
    namespace = podNamespace;
  } else if (parts.length === 2 || parts[2] === 'svc') {
    serviceName = parts[0] ?? '';
    namespace = parts[1] ?? '';
  } else return undefined; // an external name: outside the simulation, assumed reachable
  const url = `http://${hostPort}/`;
  const service = context.store.get('/Service', namespace, serviceName);
  if (!service) return `ERROR request failed: Get "${url}": dial tcp: lookup ${host} on 10.96.0.10:53: no such host`;
  const spec = service.spec as {
    clusterIP?: string;
    ports?: Array<{ port: number }>;
    selector?: Record<string, string>;
    type?: string;
  };
  if (spec.type === 'ExternalName') return undefined;
  const port = portText ? Number(portText) : (spec.ports?.[0]?.port ?? 80);
  const { ready } = serviceBackends(context, service);
  if (ready.length === 0)
    return `ERROR request failed: Get "${url}": dial tcp ${spec.clusterIP ?? ''}:${port}: connect: connection refused`;
  // Every backend isolated by a NetworkPolicy that admits nothing from the caller: packets drop.
  if (ready.every((backend) => !isIngressAllowed(context, pod, backend)))
    return `ERROR request failed: Get "${url}": dial tcp ${spec.clusterIP ?? ''}:${port}: i/o timeout`;
  return undefined;
}
