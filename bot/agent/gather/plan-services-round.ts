import type { GatherScope, PlannedCall } from './planned-call.js';
import { serviceOfHost, unresolvedHosts, unreachableHosts } from './unreachable-hosts.js';

/**
 * Round four: the services a process could not reach, named in the log lines gathered so far (at
 * most 3), and the Services of every namespace when a name did not resolve (the one it meant may
 * have another name or live in another namespace).
 */
export function planServicesRound(logLines: readonly string[], scope: GatherScope): PlannedCall[] {
  const calls: PlannedCall[] = [];
  if (unresolvedHosts(logLines).length > 0)
    calls.push({
      tool: 'list_resources',
      args: {
        kind: 'Service',
        limit: 200,
        ...(scope.kubernetesInstance ? { instance: scope.kubernetesInstance } : {}),
      },
      target: 'services',
    });
  for (const host of unreachableHosts(logLines).slice(0, 3)) {
    const service = serviceOfHost(host, scope.namespace);
    if (!service) continue;
    calls.push({
      tool: 'check_service',
      args: { ...service, ...(scope.kubernetesInstance ? { instance: scope.kubernetesInstance } : {}) },
      target: `service/${service.namespace}/${service.name}`,
    });
  }
  return calls;
}
