/**
 * The simulated default-scheduler: binds pending pods to nodes that match their nodeSelector,
 * required node affinity and tolerations and have room for their requests, or leaves them
 * Pending with the real scheduler's FailedScheduling message shape
 * (`0/3 nodes are available: 3 Insufficient cpu. preemption: ...`).
 */
import type { KubeObject } from '../cluster-api.js';
import { parseQuantity } from '../quantity.js';
import { matchesRequirements, type Requirement } from '../selectors.js';
import { type ControllerContext, containerMemoryKey, isoSeconds } from './context.js';
import { retries } from './timeline.js';

/** Requested resources of one pod. */
export interface PodRequests {
  cpu: number;
  memory: number;
}

/** Per-node usage (sum of requests of non-terminated pods bound to it). */
export interface NodeUsage {
  cpu: number;
  memory: number;
  pods: number;
}

interface ResourceSpec {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** Sum of container requests; a limit without a request counts as the request (API defaulting). */
export function podRequests(pod: KubeObject): PodRequests {
  const containers = (pod.spec as { containers?: Array<{ resources?: ResourceSpec }> } | undefined)?.containers ?? [];
  let cpu = 0;
  let memory = 0;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    cpu += parseQuantity(requests.cpu ?? limits.cpu) ?? 0;
    memory += parseQuantity(requests.memory ?? limits.memory) ?? 0;
  }
  return { cpu, memory };
}

/** True when the pod has finished (its resources are released). */
export function isTerminated(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Usage of every node by the pods currently bound to it. */
export function computeNodeUsage(context: ControllerContext): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const pod of context.store.iterate('/Pod')) {
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node || isTerminated(pod)) continue;
    const requests = podRequests(pod);
    const entry = usage.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
    entry.cpu += requests.cpu;
    entry.memory += requests.memory;
    entry.pods += 1;
    usage.set(node, entry);
  }
  return usage;
}

interface NodeSelectorTerm {
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  matchFields?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface PodSchedulingSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
  tolerations?: Array<{ key?: string; operator?: string; value?: string; effect?: string }>;
  volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }>;
}

/**
 * Tries to bind a pending pod. Returns the pod bound to a node (spec.nodeName set, PodScheduled
 * True) or left Pending with the Unschedulable condition; records Scheduled/FailedScheduling.
 */
export function schedulePod(context: ControllerContext, pod: KubeObject, usage: Map<string, NodeUsage>): KubeObject {
  const spec = pod.spec as PodSchedulingSpec;
  const nodes = context.store.list('/Node');
  const nowMs = context.now().getTime();
  const namespace = pod.metadata.namespace ?? 'default';
  const podLevel = volumeProblem(context, namespace, spec);
  const reasons = new Map<string, number>();
  const notHelpful = { count: 0 };
  let best: { node: KubeObject; score: number } | undefined;
  const requests = podRequests(pod);
  if (!podLevel) {
    for (const node of nodes) {
      const failures = nodeFailures(node, spec, requests, usage.get(node.metadata.name));
      if (failures.reasons.length === 0) {
        const allocatable = allocatableOf(node);
        const used = usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
        const score =
          (used.cpu + requests.cpu) / Math.max(allocatable.cpu, 0.001) +
          (used.memory + requests.memory) / Math.max(allocatable.memory, 1);
        if (!best || score < best.score) best = { node, score };
        continue;
      }
      for (const reason of failures.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      if (!failures.isResourceOnly) notHelpful.count += 1;
    }
  }
  const previousUnschedulable = (
    pod.status as { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } | undefined
  )?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (best) {
    const nodeName = best.node.metadata.name;
    const entry = usage.get(nodeName) ?? { cpu: 0, memory: 0, pods: 0 };
    entry.cpu += requests.cpu;
    entry.memory += requests.memory;
    entry.pods += 1;
    usage.set(nodeName, entry);
    const boundMs = previousUnschedulable
      ? nowMs
      : Date.parse(pod.metadata.creationTimestamp ?? new Date(nowMs).toISOString());
    context.events.record({
      involved: pod,
      type: 'Normal',
      reason: 'Scheduled',
      component: 'default-scheduler',
      message: `Successfully assigned ${namespace}/${pod.metadata.name} to ${nodeName}`,
      firstMs: boundMs,
      lastMs: boundMs,
      count: 1,
    });
    return {
      ...pod,
      spec: { ...(pod.spec as object), nodeName },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: isoSeconds(boundMs) },
        ],
        qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass,
      },
    };
  }
  const total = nodes.length;
  const detail =
    podLevel ??
    [...reasons.entries()]
      .map(([reason, count]) => `${count} ${reason}`)
      .sort()
      .join(', ');
  const preemptionParts: string[] = [];
  const victims = total - (podLevel ? total : notHelpful.count);
  if (victims > 0) preemptionParts.push(`${victims} No preemption victims found for incoming pod`);
  if (total - victims > 0) preemptionParts.push(`${total - victims} Preemption is not helpful for scheduling`);
  const message =
    total === 0
      ? 'no nodes available to schedule pods'
      : `0/${total} nodes are available: ${detail}. preemption: 0/${total} nodes are available: ` +
        `${preemptionParts.join(', ')}.`;
  const key = containerMemoryKey(pod, '#scheduler');
  let memory = context.memory.containers.get(key);
  if (!memory || memory.outcomeKey !== message) {
    memory = {
      outcomeKey: message,
      since:
        previousUnschedulable && memory
          ? nowMs
          : Date.parse(pod.metadata.creationTimestamp ?? new Date(nowMs).toISOString()),
      baseRestarts: 0,
    };
    context.memory.containers.set(key, memory);
  }
  const attempts = retries(memory.since, nowMs, 10_000, 300_000);
  context.events.record({
    involved: pod,
    type: 'Warning',
    reason: 'FailedScheduling',
    component: 'default-scheduler',
    message,
    firstMs: memory.since,
    lastMs: attempts.lastAttemptMs,
    count: attempts.attempts,
  });
  context.memory.timeDependentNamespaces.add(namespace);
  const transitionTime = previousUnschedulable?.lastTransitionTime ?? isoSeconds(memory.since);
  return {
    ...pod,
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: transitionTime,
          reason: 'Unschedulable',
          message,
        },
      ],
      qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort',
    },
  };
}

function volumeProblem(context: ControllerContext, namespace: string, spec: PodSchedulingSpec): string | undefined {
  for (const volume of spec.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const pvc = context.store.get('/PersistentVolumeClaim', namespace, claim);
    if (!pvc) return `persistentvolumeclaim "${claim}" not found`;
    if ((pvc.status as { phase?: string } | undefined)?.phase !== 'Bound')
      return 'pod has unbound immediate PersistentVolumeClaims';
  }
  return undefined;
}

/** Allocatable cpu (cores), memory (bytes) and pods of a node. */
export function allocatableOf(node: KubeObject): { cpu: number; memory: number; pods: number } {
  const allocatable = (node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
  return {
    cpu: parseQuantity(allocatable.cpu) ?? 0,
    memory: parseQuantity(allocatable.memory) ?? 0,
    pods: parseQuantity(allocatable.pods) ?? 110,
  };
}

function nodeFailures(
  node: KubeObject,
  spec: PodSchedulingSpec,
  requests: PodRequests,
  used: NodeUsage | undefined,
): { reasons: string[]; isResourceOnly: boolean } {
  const reasons: string[] = [];
  const labels = node.metadata.labels ?? {};
  const nodeSpec = (node.spec ?? {}) as {
    unschedulable?: boolean;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  };
  const isReady = (
    (node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []
  ).some((c) => c.type === 'Ready' && c.status === 'True');
  if (!isReady)
    return { reasons: ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'], isResourceOnly: false };
  if (nodeSpec.unschedulable) return { reasons: ['node(s) were unschedulable'], isResourceOnly: false };
  if (!matchesNodeSelector(node, labels, spec)) reasons.push("node(s) didn't match Pod's node affinity/selector");
  for (const taint of nodeSpec.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    const tolerated = (spec.tolerations ?? []).some(
      (t) =>
        (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
        (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) &&
        (t.effect === undefined || t.effect === '' || t.effect === taint.effect),
    );
    if (!tolerated) {
      reasons.push(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      break;
    }
  }
  if (reasons.length > 0) return { reasons, isResourceOnly: false };
  const allocatable = allocatableOf(node);
  const current = used ?? { cpu: 0, memory: 0, pods: 0 };
  if (current.pods + 1 > allocatable.pods) reasons.push('Too many pods');
  if (requests.cpu > 0 && current.cpu + requests.cpu > allocatable.cpu + 1e-9) reasons.push('Insufficient cpu');
  if (requests.memory > 0 && current.memory + requests.memory > allocatable.memory) reasons.push('Insufficient memory');
  return { reasons, isResourceOnly: true };
}

function matchesNodeSelector(node: KubeObject, labels: Record<string, string>, spec: PodSchedulingSpec): boolean {
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((term) => {
    const expressions = (term.matchExpressions ?? []).map(
      (e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] }) as Requirement,
    );
    const fields = (term.matchFields ?? []).map(
      (e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] }) as Requirement,
    );
    return (
      matchesRequirements(labels, expressions) && matchesRequirements({ 'metadata.name': node.metadata.name }, fields)
    );
  });
}
