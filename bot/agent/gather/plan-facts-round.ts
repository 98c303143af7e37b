import type { Entities } from '../entities.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import type { GatherScope, PlannedCall } from './planned-call.js';

/**
 * Look-ups that give a fix its concrete values, planned from what the workload shows: the
 * StorageClasses that exist when a claim waits for one that does not; the pod template (ports
 * and probes, limits, nodeSelector) when a probe fails or no node matches the pods' selector, with
 * the nodes and their labels then; what the last rollout changed when the workload is unhealthy.
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
  // What the last rollout changed (images, env names), when the workload it rolled out is not healthy.
  const isRollingKind = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind);
  const isUnhealthy = workload.rollout?.isHealthy === false || workload.pods.some((pod) => !pod.isHealthy);
  if (isRollingKind && isUnhealthy)
    calls.push({
      tool: 'get_rollout_history',
      args: { name: workload.name, namespace: workload.namespace, kind: workload.kind, limit: 3, instance: cluster },
      target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}`,
    });
  const isProbeFailing = workload.warningEvents.some((event) => event.reason === 'Unhealthy');
  // Kubernetes' own scheduler reason: no node carries the labels the pod template selects.
  const isNodeUnmatched = workload.warningEvents.some(
    (event) => event.reason === 'FailedScheduling' && /node affinity\/selector/i.test(event.message),
  );
  if (isNodeUnmatched)
    calls.push({ tool: 'list_resources', args: { kind: 'Node', limit: 50, instance: cluster }, target: 'nodes' });
  if (isProbeFailing || isNodeUnmatched)
    calls.push({
      tool: 'get_resource',
      args: { kind: workload.kind, name: workload.name, namespace: workload.namespace, instance: cluster },
      target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}`,
    });
  return calls;
}
