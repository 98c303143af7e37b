/** What a process sees when it calls a Service: nothing wrong, no such host, or connection refused. */
import type { KubeObject } from '../cluster-api.js';
import type { ControllerContext } from './context.js';
import { serviceBackends } from './endpoints.js';

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
  return undefined;
}
