/**
 * Runs the simulated controllers over a set of namespaces until the state settles: claims,
 * workloads -> ReplicaSets -> pods, scheduling, the kubelet, then statuses, endpoints, quotas
 * and the Kyverno background scan. Deterministic: same inputs and clock, same state.
 */
import type { KubeObject } from '../cluster-api.js';
import { type ControllerContext, putIfChanged } from './context.js';
import { cronJobStatus, syncCronJob } from './cron-job.js';
import { deploymentStatus, syncDeployment } from './deployment.js';
import { reconcileEndpoints } from './endpoints.js';
import { runKubelet } from './kubelet.js';
import {
  daemonSetStatus,
  jobStatus,
  statefulSetStatus,
  syncDaemonSet,
  syncJob,
  syncStatefulSet,
} from './other-workloads.js';
import { reconcileQuotas } from './quota.js';
import { indexPods, replicaSetStatus, syncReplicaSet } from './replica-set.js';
import { computeNodeUsage, type NodeUsage, schedulePod } from './scheduler.js';
import { reconcileClaims } from './volumes.js';

/** What the reconciler needs from Kyverno. */
export interface BackgroundScanner {
  scan(scope: Set<string> | 'all'): void;
}

/** Upper bound on rollout steps per reconcile (a rolling update of N replicas needs ~N+1). */
const MAX_ROUNDS = 64;

/** Reconciles the given namespaces (or all) and runs the background scan over them. */
export function reconcile(context: ControllerContext, scope: Set<string> | 'all', scanner: BackgroundScanner): void {
  const namespaces =
    scope === 'all'
      ? context.store.list('/Namespace').map((ns) => ns.metadata.name)
      : [...scope].filter((name) => context.store.get('/Namespace', undefined, name));
  const usage = computeNodeUsage(context);
  const nodeIps = new Map<string, string>();
  for (const node of context.store.iterate('/Node')) {
    const address = (
      (node.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ?? []
    ).find((a) => a.type === 'InternalIP');
    nodeIps.set(node.metadata.name, address?.address ?? '10.0.0.1');
  }
  for (const namespace of namespaces) reconcileNamespace(context, namespace, usage, nodeIps);
  // A kubelet keeps probing: callers whose readiness checks a Service see what this pass changed
  // in its namespace, wherever they run (and callers reconciled before their callee, the result).
  const callers = [...context.memory.callerNamespaces].filter((name) =>
    context.store.get('/Namespace', undefined, name),
  );
  for (const namespace of callers) reconcileNamespace(context, namespace, usage, nodeIps);
  scanner.scan(scope === 'all' ? 'all' : new Set([...namespaces, ...callers]));
}

function reconcileNamespace(
  context: ControllerContext,
  namespace: string,
  usage: Map<string, NodeUsage>,
  nodeIps: Map<string, string>,
): void {
  const { store } = context;
  reconcileClaims(context, namespace);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    const index = indexPods(context, namespace);
    for (const deployment of store.list('apps/Deployment', namespace))
      changed = syncDeployment(context, deployment, index) || changed;
    for (const rs of store.list('apps/ReplicaSet', namespace)) changed = syncReplicaSet(context, rs, index) || changed;
    for (const sts of store.list('apps/StatefulSet', namespace))
      changed = syncStatefulSet(context, sts, index) || changed;
    for (const ds of store.list('apps/DaemonSet', namespace)) changed = syncDaemonSet(context, ds, index) || changed;
    for (const cronJob of store.list('batch/CronJob', namespace)) changed = syncCronJob(context, cronJob) || changed;
    for (const job of store.list('batch/Job', namespace)) changed = syncJob(context, job, index) || changed;
    if (changed) reconcileClaims(context, namespace);
    runPods(context, namespace, usage, nodeIps);
    if (!changed) break;
  }
  const index = indexPods(context, namespace);
  for (const rs of store.list('apps/ReplicaSet', namespace)) replicaSetStatus(context, rs, index);
  for (const deployment of store.list('apps/Deployment', namespace)) deploymentStatus(context, deployment, index);
  for (const sts of store.list('apps/StatefulSet', namespace)) statefulSetStatus(context, sts, index);
  for (const ds of store.list('apps/DaemonSet', namespace)) daemonSetStatus(context, ds, index);
  for (const job of store.list('batch/Job', namespace)) jobStatus(context, job, index);
  for (const cronJob of store.list('batch/CronJob', namespace)) cronJobStatus(context, cronJob);
  reconcileAutoscalers(context, namespace);
  reconcileEndpoints(context, namespace);
  reconcileQuotas(context, namespace);
}

/** Schedules pending pods and lets the kubelet derive every bound pod's status. */
function runPods(
  context: ControllerContext,
  namespace: string,
  usage: Map<string, NodeUsage>,
  nodeIps: Map<string, string>,
): void {
  for (const pod of [...context.store.iterate('/Pod', namespace)]) {
    let current: KubeObject = pod;
    if (!(current.spec as { nodeName?: string }).nodeName) {
      const scheduled = schedulePod(context, current, usage);
      if (!(scheduled.spec as { nodeName?: string }).nodeName) {
        putIfChanged(context, pod, scheduled);
        continue;
      }
      current = scheduled;
    }
    const nodeName = (current.spec as { nodeName?: string }).nodeName ?? '';
    const next = runKubelet(context, current, nodeIps.get(nodeName) ?? '10.0.0.1');
    if (next === pod) continue;
    if (current === pod && JSON.stringify(pod.status) === JSON.stringify(next.status)) continue;
    context.store.put('/Pod', next);
  }
}

/** HPAs report the scale target's replicas (the simulation has no metrics pipeline). */
function reconcileAutoscalers(context: ControllerContext, namespace: string): void {
  for (const hpa of context.store.list('autoscaling/HorizontalPodAutoscaler', namespace)) {
    const spec = hpa.spec as { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number };
    const kind = spec.scaleTargetRef?.kind ?? 'Deployment';
    const target = context.store.get(
      kind === 'StatefulSet' ? 'apps/StatefulSet' : 'apps/Deployment',
      namespace,
      spec.scaleTargetRef?.name ?? '',
    );
    const replicas = Number((target?.status as { replicas?: number } | undefined)?.replicas ?? 0);
    const at = hpa.metadata.creationTimestamp ?? '';
    putIfChanged(context, hpa, {
      ...hpa,
      status: {
        currentReplicas: replicas,
        desiredReplicas: Math.max(replicas, spec.minReplicas ?? 1),
        currentMetrics: null,
        conditions: target
          ? [
              {
                type: 'AbleToScale',
                status: 'True',
                lastTransitionTime: at,
                reason: 'ReadyForNewScale',
                message: 'recommended size matches current size',
              },
              {
                type: 'ScalingActive',
                status: 'False',
                lastTransitionTime: at,
                reason: 'FailedGetResourceMetric',
                message:
                  'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to ' +
                  'get metrics for resource cpu: no metrics returned from resource metrics API',
              },
            ]
          : [
              {
                type: 'AbleToScale',
                status: 'False',
                lastTransitionTime: at,
                reason: 'FailedGetScale',
                message:
                  `the HPA controller was unable to get the target's current scale: deployments/scale.apps ` +
                  `"${spec.scaleTargetRef?.name ?? ''}" not found`,
              },
            ],
      },
    });
  }
}
