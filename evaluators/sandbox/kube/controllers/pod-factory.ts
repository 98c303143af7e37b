/**
 * Creates pods from a workload's pod template the way the API server would accept them from a
 * controller: defaulted spec, owner reference, generated name, then admission (service account,
 * ResourceQuota, Kyverno). A rejection becomes the owner's FailedCreate event.
 */
import { AdmissionDeniedError, type KubeObject } from '../cluster-api.js';
import { stableSuffix, stableUid } from '../stable-id.js';
import { type ControllerContext, controllerRef, isoSeconds } from './context.js';
import { checkPodLimitRange } from './limit-range.js';
import { checkPodQuota } from './quota.js';
import { periodic } from './timeline.js';
import { defaultPodSpec } from '../object-defaults.js';
import { formatAdmissionDenial } from '../../kyverno/denial-message.js';

/** A pod template (`spec.template` of a workload). */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/**
 * When children of `owner` are born: the owner's own creation time if it has never been
 * reconciled (a loaded estate that "has been running for a while"), otherwise now.
 */
export function childCreationMs(context: ControllerContext, owner: KubeObject): number {
  const nowMs = context.now().getTime();
  const hasStatus =
    owner.status !== undefined && owner.status !== null && Object.keys(owner.status as object).length > 0;
  if (hasStatus) return nowMs;
  const created = Date.parse(owner.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? nowMs : Math.min(created, nowMs);
}

/** A generated child name `<prefix><5 chars>` not yet taken in the namespace. */
export function generateName(context: ControllerContext, owner: KubeObject, prefix: string, typeKey: string): string {
  const counterKey = `${owner.metadata.uid ?? owner.metadata.name}|${typeKey}`;
  let counter = context.memory.nameCounters.get(counterKey) ?? 0;
  for (;;) {
    const name = `${prefix}${stableSuffix(`${counterKey}|${counter}`)}`;
    counter += 1;
    if (!context.store.get(typeKey, owner.metadata.namespace, name)) {
      context.memory.nameCounters.set(counterKey, counter);
      return name;
    }
  }
}

/**
 * Builds, admits and stores one pod. Returns the stored pod, or the rejection message when
 * admission refused it (the FailedCreate event is then recorded on the owner).
 */
export function createPod(
  context: ControllerContext,
  owner: KubeObject,
  template: PodTemplate,
  name: string,
  extra: { labels?: Record<string, string>; spec?: Record<string, unknown>; createdMs: number },
): KubeObject | string {
  const namespace = owner.metadata.namespace ?? 'default';
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: name.slice(0, name.length - 5),
      namespace,
      uid: stableUid(`${context.clusterName}|pod|${namespace}|${name}|${owner.metadata.uid ?? ''}`),
      creationTimestamp: isoSeconds(extra.createdMs),
      labels: { ...(template.metadata?.labels ?? {}), ...(extra.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    // Templates are defaulted when their owner is written, so the containers are shared, not copied.
    spec: extra.spec ? { ...(template.spec ?? {}), ...extra.spec } : (template.spec ?? defaultPodSpec({})),
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
  const rejection = admitPod(context, pod);
  if (rejection) {
    recordFailedCreate(context, owner, `Error creating: ${rejection}`);
    return rejection;
  }
  context.events.record({
    involved: owner,
    type: 'Normal',
    reason: 'SuccessfulCreate',
    component: controllerComponent(owner),
    message: `Created pod: ${name}`,
    firstMs: extra.createdMs,
    lastMs: extra.createdMs,
    count: 1,
  });
  return context.store.put('/Pod', pod);
}

/** Admission for a controller-created pod: returns the rejection message or undefined. */
function admitPod(context: ControllerContext, pod: KubeObject): string | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const account = (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? 'default';
  if (!context.store.get('/ServiceAccount', namespace, account)) {
    return (
      `pods "${pod.metadata.name}" is forbidden: error looking up service account ${namespace}/${account}: ` +
      `serviceaccount "${account}" not found`
    );
  }
  const range = checkPodLimitRange(context.store, pod);
  if (range) return `pods "${pod.metadata.name}" is forbidden: ${range}`;
  const quota = checkPodQuota(context.store, pod);
  if (quota) return `pods "${pod.metadata.name}" is forbidden: ${quota}`;
  const denials = context.admit(pod);
  if (denials.length > 0)
    return new AdmissionDeniedError(
      `Pod/${namespace}/${pod.metadata.name}`,
      denials,
      formatAdmissionDenial(pod, denials),
    ).message;
  return undefined;
}

/** Records (or bumps) the owner's FailedCreate warning, retried by the controller every ~10 s. */
export function recordFailedCreate(context: ControllerContext, owner: KubeObject, message: string): void {
  // Each retry generates a new pod name; like the event correlator, keep one event per cause.
  const key = `${owner.metadata.uid ?? owner.metadata.name}|#failedcreate|${message.replace(/pods "[^"]+"/, 'pods')}`;
  const nowMs = context.now().getTime();
  let memory = context.memory.containers.get(key);
  if (!memory) {
    memory = { outcomeKey: message, since: childCreationMs(context, owner), baseRestarts: 0 };
    context.memory.containers.set(key, memory);
  }
  const attempts = periodic(memory.since, nowMs, 60_000);
  context.events.record({
    involved: owner,
    type: 'Warning',
    reason: 'FailedCreate',
    component: controllerComponent(owner),
    message: memory.outcomeKey,
    firstMs: memory.since,
    lastMs: attempts.lastAttemptMs,
    count: attempts.attempts,
  });
  context.memory.timeDependentNamespaces.add(owner.metadata.namespace ?? 'default');
}

function controllerComponent(owner: KubeObject): string {
  switch (owner.kind) {
    case 'ReplicaSet':
      return 'replicaset-controller';
    case 'StatefulSet':
      return 'statefulset-controller';
    case 'DaemonSet':
      return 'daemonset-controller';
    case 'Job':
      return 'job-controller';
    default:
      return `${owner.kind.toLowerCase()}-controller`;
  }
}
