import type { Entities } from '../entities.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clusterOfDestination, instanceFor } from './instances.js';
import type { GatherScope, PlannedCall, Places } from './planned-call.js';

/**
 * Where to look after round one: the cluster (the question's, else the app's destination, which
 * names it when no workload was found, e.g. a sync that never applied), the namespace (the
 * question's, else the app's), and the instances serving them.
 */
export function scopeAfterFirstRound(
  entities: Entities,
  application: ResultOf<'get_application'> | undefined,
  places: Places,
): GatherScope {
  const cluster =
    entities.cluster ?? (entities.app ? clusterOfDestination(places, application?.destination) : undefined);
  const namespace = entities.namespace ?? entities.app?.namespace;
  const kubernetesInstance = instanceFor(places, 'list_events', cluster);
  const kyvernoInstance = instanceFor(places, 'list_policy_violations', cluster);
  return {
    ...(cluster ? { cluster } : {}),
    ...(namespace ? { namespace } : {}),
    ...(kubernetesInstance ? { kubernetesInstance } : {}),
    ...(kyvernoInstance ? { kyvernoInstance } : {}),
  };
}

/**
 * Round two: what round one points at. The diff of an OutOfSync app; the namespace's warning
 * events and policy results; admission denials of the app or namespace; and the workload behind
 * an app when the question named none.
 */
export function planSecondRound(
  entities: Entities,
  application: ResultOf<'get_application'> | undefined,
  scope: GatherScope,
): PlannedCall[] {
  const { app, workload } = entities;
  const { namespace } = scope;
  const k8s = scope.kubernetesInstance ? { instance: scope.kubernetesInstance } : {};
  const kyverno = scope.kyvernoInstance ? { instance: scope.kyvernoInstance } : {};
  const calls: PlannedCall[] = [];
  if (app && application?.sync === 'OutOfSync') {
    calls.push({
      tool: 'get_application_diff',
      args: { name: app.name, instance: app.instance },
      target: `app/${app.name}`,
    });
  }
  if (namespace) {
    calls.push({ tool: 'list_events', args: { namespace, type: 'Warning', ...k8s }, target: `namespace/${namespace}` });
    calls.push({ tool: 'list_policy_violations', args: { namespace, ...kyverno }, target: `namespace/${namespace}` });
  }
  if (app || namespace) {
    calls.push({
      tool: 'explain_admission_denial',
      args: { ...(namespace ? { namespace } : {}), ...(app ? { name: app.name } : {}), ...kyverno },
      target: app ? `app/${app.name}` : `namespace/${namespace}`,
    });
  }
  if (!workload && app && namespace && scope.kubernetesInstance) {
    calls.push({
      tool: 'describe_workload',
      args: { name: app.name, namespace, instance: scope.kubernetesInstance },
      target: `workload/${namespace}/${app.name}`,
    });
  }
  return calls;
}
