import type { GatherScope, PlannedCall } from './planned-call.js';
import { serviceOfHost, unreachableHosts } from './unreachable-hosts.js';

/** Round four: the services a process could not reach, named in the log lines gathered so far (at most 3). */
export function planServicesRound(logLines: readonly string[], scope: GatherScope): PlannedCall[] {
  const calls: PlannedCall[] = [];
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
