/**
 * The ReplicaSet controller: keeps `spec.replicas` pods alive (creating through admission,
 * so quota and policy rejections become FailedCreate) and reports replica counts.
 */
import type { KubeObject } from '../cluster-api.js';
import { type ControllerContext, putIfChanged } from './context.js';
import { createPod, generateName, childCreationMs, type PodTemplate } from './pod-factory.js';

/** Pods of a namespace grouped by the uid of their controller. */
export type PodIndex = Map<string, KubeObject[]>;

/** Builds the pod index of a namespace. */
export function indexPods(context: ControllerContext, namespace: string): PodIndex {
  const index: PodIndex = new Map();
  for (const pod of context.store.iterate('/Pod', namespace)) {
    const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (!owner) continue;
    const list = index.get(owner.uid);
    if (list) list.push(pod);
    else index.set(owner.uid, [pod]);
  }
  return index;
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  const conditions =
    (pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** True for pods that count as replicas (not finished, not being deleted). */
export function isActive(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Last FailedCreate message per ReplicaSet uid while it is short of replicas. */
const failureKey = (rs: KubeObject): string => `${rs.metadata.uid ?? ''}|#replicafailure`;

/** Creates or deletes pods of one ReplicaSet; returns true when pods changed. */
export function syncReplicaSet(context: ControllerContext, rs: KubeObject, index: PodIndex): boolean {
  const desired = Number((rs.spec as { replicas?: number }).replicas ?? 1);
  const pods = (index.get(rs.metadata.uid ?? '') ?? []).filter(isActive);
  let changed = false;
  if (pods.length < desired) {
    const template = (rs.spec as { template?: PodTemplate }).template ?? {};
    const createdMs = childCreationMs(context, rs);
    context.memory.containers.delete(failureKey(rs));
    for (let i = pods.length; i < desired; i++) {
      const name = generateName(context, rs, `${rs.metadata.name}-`, '/Pod');
      const result = createPod(context, rs, template, name, { createdMs });
      if (typeof result === 'string') {
        context.memory.containers.set(failureKey(rs), {
          outcomeKey: result,
          since: context.now().getTime(),
          baseRestarts: 0,
        });
        break;
      }
      changed = true;
    }
  } else if (pods.length > desired) {
    // Delete the least useful pods first: unscheduled, then not ready, then the newest.
    const ranked = [...pods].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
        b.metadata.name.localeCompare(a.metadata.name),
    );
    for (const pod of ranked.slice(0, pods.length - desired)) {
      context.store.remove('/Pod', pod.metadata.namespace, pod.metadata.name);
      context.events.record({
        involved: rs,
        type: 'Normal',
        reason: 'SuccessfulDelete',
        component: 'replicaset-controller',
        message: `Deleted pod: ${pod.metadata.name}`,
        firstMs: context.now().getTime(),
        lastMs: context.now().getTime(),
        count: 1,
      });
      changed = true;
    }
  }
  return changed;
}

function rank(pod: KubeObject): number {
  if (!(pod.spec as { nodeName?: string }).nodeName) return 0;
  return isPodReady(pod) ? 2 : 1;
}

/** Writes the ReplicaSet's status from its pods. */
export function replicaSetStatus(context: ControllerContext, rs: KubeObject, index: PodIndex): KubeObject {
  const pods = (index.get(rs.metadata.uid ?? '') ?? []).filter(isActive);
  const ready = pods.filter(isPodReady).length;
  const failure = context.memory.containers.get(failureKey(rs));
  const desired = Number((rs.spec as { replicas?: number }).replicas ?? 1);
  const previous = (
    rs.status as { conditions?: Array<{ type: string; lastTransitionTime?: string }> } | undefined
  )?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const conditions =
    failure && pods.length < desired
      ? [
          {
            type: 'ReplicaFailure',
            status: 'True',
            lastTransitionTime:
              previous?.lastTransitionTime ??
              new Date(Math.floor(failure.since / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
            reason: 'FailedCreate',
            message: failure.outcomeKey,
          },
        ]
      : undefined;
  const status = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
    ...(conditions ? { conditions } : {}),
  };
  return putIfChanged(context, rs, { ...rs, status });
}
