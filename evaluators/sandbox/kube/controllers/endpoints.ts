/**
 * The endpoints controllers: for every Service with a selector, an Endpoints object and an
 * EndpointSlice listing the matching pods (ready ones as addresses, others as not ready).
 * A selector that matches nothing leaves them empty, exactly what `kubectl get endpoints`
 * shows as `<none>`.
 *
 * The EndpointSlice follows the shape the real endpointslice controller writes, which typed
 * clients dereference without nil checks (`kubectl describe service` reads `ports[].name`):
 * every port carries `name` (`""` when the Service port is unnamed), `port` (the resolved
 * target port) and `protocol`; endpoints carry `addresses`, `conditions`, `nodeName`, `zone`
 * and a Pod `targetRef`; a Service without backends keeps one placeholder slice with
 * `endpoints` and `ports` null.
 */
import type { KubeObject } from '../cluster-api.js';
import { matchesMapSelector } from '../selectors.js';
import { stableSuffix, stableUid } from '../stable-id.js';
import { type ControllerContext, controllerRef, putIfChanged } from './context.js';
import { isActive, isPodReady } from './replica-set.js';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

function resolveTargetPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  for (const container of (
    pod.spec as { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number }> }> }
  ).containers ?? []) {
    const found = container.ports?.find((p) => p.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

/** Ready pods backing a Service (used by caller logs as well). */
export function serviceBackends(
  context: ControllerContext,
  service: KubeObject,
): { ready: KubeObject[]; notReady: KubeObject[] } {
  const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
  const ready: KubeObject[] = [];
  const notReady: KubeObject[] = [];
  if (!selector || Object.keys(selector).length === 0) return { ready, notReady };
  for (const pod of context.store.iterate('/Pod', service.metadata.namespace)) {
    if (!isActive(pod) || !matchesMapSelector(pod.metadata.labels, selector)) continue;
    if (typeof (pod.status as { podIP?: string } | undefined)?.podIP !== 'string') continue;
    (isPodReady(pod) ? ready : notReady).push(pod);
  }
  const byName = (a: KubeObject, b: KubeObject): number => a.metadata.name.localeCompare(b.metadata.name);
  return { ready: ready.sort(byName), notReady: notReady.sort(byName) };
}

/** Writes Endpoints and EndpointSlices for every selector-based Service of the namespace. */
export function reconcileEndpoints(context: ControllerContext, namespace: string): void {
  const services = context.store.list('/Service', namespace);
  const wanted = new Set<string>();
  for (const service of services) {
    const spec = service.spec as { selector?: Record<string, string>; ports?: ServicePort[] };
    if (!spec.selector || Object.keys(spec.selector).length === 0) continue;
    const name = service.metadata.name;
    wanted.add(name);
    const { ready, notReady } = serviceBackends(context, service);
    const reference = ready[0] ?? notReady[0];
    const ports = (spec.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: reference ? (resolveTargetPort(reference, p) ?? p.port) : p.port,
      protocol: p.protocol ?? 'TCP',
    }));
    const address = (pod: KubeObject): Record<string, unknown> => ({
      ip: (pod.status as { podIP: string }).podIP,
      nodeName: (pod.spec as { nodeName?: string }).nodeName,
      targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid },
    });
    const subsets =
      ready.length + notReady.length > 0
        ? [
            {
              ...(ready.length ? { addresses: ready.map(address) } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
              ports,
            },
          ]
        : undefined;
    const existing = context.store.get('/Endpoints', namespace, name);
    putIfChanged(context, existing, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace,
        uid:
          existing?.metadata.uid ??
          stableUid(`${context.clusterName}|ep|${namespace}|${name}|${service.metadata.uid ?? ''}`),
        creationTimestamp: existing?.metadata.creationTimestamp ?? service.metadata.creationTimestamp,
        labels: { ...(service.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
      },
      ...(subsets ? { subsets } : {}),
    });
    const sliceName = `${name}-${stableSuffix(service.metadata.uid ?? name)}`;
    const slice = context.store.get('discovery.k8s.io/EndpointSlice', namespace, sliceName);
    const endpoint = (pod: KubeObject, isReady: boolean): Record<string, unknown> => {
      const nodeName = (pod.spec as { nodeName?: string }).nodeName;
      const zone = nodeName
        ? context.store.get('/Node', undefined, nodeName)?.metadata.labels?.['topology.kubernetes.io/zone']
        : undefined;
      return {
        addresses: [(pod.status as { podIP: string }).podIP],
        conditions: { ready: isReady, serving: isReady, terminating: false },
        ...(nodeName ? { nodeName } : {}),
        targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid },
        ...(zone ? { zone } : {}),
      };
    };
    const endpoints = [...ready.map((p) => endpoint(p, true)), ...notReady.map((p) => endpoint(p, false))];
    putIfChanged(context, slice, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        generateName: `${name}-`,
        namespace,
        uid: slice?.metadata.uid ?? stableUid(`${context.clusterName}|eps|${namespace}|${sliceName}`),
        creationTimestamp: slice?.metadata.creationTimestamp ?? service.metadata.creationTimestamp,
        labels: {
          ...(service.metadata.labels ?? {}),
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': name,
        },
        ownerReferences: [controllerRef(service)],
      },
      addressType: 'IPv4',
      // The real controller's placeholder slice (no backends) has neither endpoints nor ports.
      endpoints: endpoints.length ? endpoints : null,
      ports:
        endpoints.length && ports.length
          ? ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }))
          : null,
    });
  }
  // Endpoints of deleted Services go away with them.
  for (const endpoints of context.store.list('/Endpoints', namespace)) {
    if (
      !wanted.has(endpoints.metadata.name) &&
      endpoints.metadata.labels?.['endpoints.kubernetes.io/managed-by'] === 'endpoint-controller'
    ) {
      context.store.remove('/Endpoints', namespace, endpoints.metadata.name);
    }
  }
  for (const slice of context.store.list('discovery.k8s.io/EndpointSlice', namespace)) {
    const service = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (service && !wanted.has(service))
      context.store.remove('discovery.k8s.io/EndpointSlice', namespace, slice.metadata.name);
  }
}
