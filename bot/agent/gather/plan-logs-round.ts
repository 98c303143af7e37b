import type { Entities } from '../entities.js';
import type { PodSummary } from '../tool-results/kubernetes-results.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import type { GatherScope, PlannedCall } from './planned-call.js';

/** What a running process logs when it is in trouble (the filter for a pod that did not crash). */
const TROUBLE_GREP = '/error|fail|refused|no such host|timeout|unavailable|denied|exception/i';

/** A pod with logs to read: a container that ran before (restarted) or runs now. */
function hasLogs(pod: PodSummary): boolean {
  return pod.containers.some((container) => container.restarts > 0 || container.state === 'running');
}

/**
 * Round three: logs of the workload, unless describe_workload already brought the crash logs.
 * The least healthy pod with logs (the server lists unhealthy pods first): the previous run of a
 * container that restarted, or the trouble lines of a running one.
 */
export function planLogsRound(
  entities: Entities,
  workload: ResultOf<'describe_workload'> | undefined,
  scope: GatherScope,
): PlannedCall[] {
  if (!workload || workload.crashLogs.length > 0) return [];
  const cluster = entities.workload?.cluster ?? (entities.app ? scope.kubernetesInstance : undefined);
  const namespace = entities.workload?.namespace ?? (entities.app ? scope.namespace : undefined);
  if (!cluster || !namespace) return [];
  const pod = workload.pods.find(hasLogs);
  if (!pod) return [];
  const hasRestarted = pod.containers.some((container) => container.restarts > 0);
  const args = hasRestarted
    ? { name: pod.name, namespace, previous: true, tailLines: 40, instance: cluster }
    : { name: pod.name, namespace, tailLines: 200, grep: TROUBLE_GREP, instance: cluster };
  return [{ tool: 'get_pod_logs', args, target: `pod/${namespace}/${pod.name}` }];
}
