import type { Entities } from '../entities.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import type { GatherScope, PlannedCall } from './planned-call.js';

/**
 * Look-ups that give a fix its concrete values, planned from what the workload shows: the
 * StorageClasses that exist when a claim waits for one that does not; the pod template (ports
 * and probes) when a probe fails.
 */
export function planFactsRound(
  entities: Entities,
  workload: ResultOf<'describe_workload'> | undefined,
  scope: GatherScope,
): PlannedCall[] {
  const cluster = entities.workload?.cluster ?? scope.kubernetesInstance;
  if (!workload || !cluster) return [];
  const calls: PlannedCall[] = [];
  if (workload.unboundClaims.length > 0)
    calls.push({
      tool: 'list_resources',
      args: { kind: 'StorageClass', limit: 20, instance: cluster },
      target: 'storageclasses',
    });
  const isProbeFailing = workload.warningEvents.some((event) => event.reason === 'Unhealthy');
  if (isProbeFailing)
    calls.push({
      tool: 'get_resource',
      args: { kind: workload.kind, name: workload.name, namespace: workload.namespace, instance: cluster },
      target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}`,
    });
  return calls;
}
