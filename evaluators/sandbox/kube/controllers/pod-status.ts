/**
 * The pod-level part of the kubelet's status: the pod IP, conditions (initialized, ready,
 * scheduled) and the QoS class, around the container statuses.
 */
import type { KubeObject } from '../cluster-api.js';
import { stableNumber } from '../stable-id.js';
import { type ControllerContext, isoSeconds } from './context.js';
import type { ContainerSpec } from './container-spec.js';

/** A stable pod IP on the node's /24, unique in the cluster. */
export function allocatePodIp(context: ControllerContext, pod: KubeObject): string {
  const node = (pod.spec as { nodeName?: string }).nodeName ?? '';
  const third = (stableNumber(`node|${node}`) % 200) + 1;
  const seed = stableNumber(`ip|${pod.metadata.uid ?? pod.metadata.name}`);
  for (let probe = 0; probe < 65_000; probe++) {
    const offset = (seed + probe) % 64_000;
    const octet3 = (third + Math.floor(offset / 250)) % 256;
    const ip = `10.244.${octet3}.${(offset % 250) + 2}`;
    if (!context.memory.usedIps.has(ip)) {
      context.memory.usedIps.add(ip);
      return ip;
    }
  }
  return '10.244.255.254';
}

export interface PodStatusInput {
  phase: string;
  statuses: Array<Record<string, unknown>>;
  isReady: boolean;
  allStarted: boolean;
  scheduledMs: number;
  nodeIp: string;
  podIp: string | undefined;
  /** False while an init container has not completed (default true). */
  isInitialized?: boolean;
  initStatuses?: Array<Record<string, unknown>>;
}

/** The pod's status object: phase, conditions, IPs, container statuses and QoS class. */
export function buildPodStatus(pod: KubeObject, input: PodStatusInput): Record<string, unknown> {
  const at = isoSeconds(input.scheduledMs);
  const previous = pod.status as { conditions?: Array<Record<string, unknown>> } | undefined;
  const transition = (type: string, status: string): string => {
    const old = previous?.conditions?.find((c) => c.type === type);
    return old && old.status === status && typeof old.lastTransitionTime === 'string' ? old.lastTransitionTime : at;
  };
  const notReady = input.statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  const readyCondition = (type: string): Record<string, unknown> =>
    input.isReady
      ? { type, status: 'True', lastProbeTime: null, lastTransitionTime: transition(type, 'True') }
      : {
          type,
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: transition(type, 'False'),
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${notReady.join(' ')}]`,
        };
  const sandboxReady = input.podIp !== undefined ? 'True' : 'False';
  const qosClass = qos(pod);
  return {
    phase: input.phase,
    conditions: [
      {
        type: 'PodReadyToStartContainers',
        status: sandboxReady,
        lastProbeTime: null,
        lastTransitionTime: transition('PodReadyToStartContainers', sandboxReady),
      },
      input.isInitialized === false
        ? {
            type: 'Initialized',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: transition('Initialized', 'False'),
            reason: 'ContainersNotInitialized',
            message: `containers with incomplete status: [${(input.initStatuses ?? [])
              .filter((s) => (s.state as { terminated?: { exitCode?: number } }).terminated?.exitCode !== 0)
              .map((s) => String(s.name))
              .join(' ')}]`,
          }
        : { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      readyCondition('Ready'),
      readyCondition('ContainersReady'),
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    ],
    hostIP: input.nodeIp,
    hostIPs: [{ ip: input.nodeIp }],
    ...(input.podIp ? { podIP: input.podIp, podIPs: [{ ip: input.podIp }] } : {}),
    startTime: at,
    ...(input.initStatuses ? { initContainerStatuses: input.initStatuses } : {}),
    containerStatuses: input.statuses,
    qosClass,
  };
}

function qos(pod: KubeObject): string {
  const containers = (pod.spec as { containers?: ContainerSpec[] }).containers ?? [];
  let hasAny = false;
  let isGuaranteed = containers.length > 0;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) hasAny = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      if (limit === undefined || (requests[resource] !== undefined && requests[resource] !== limit))
        isGuaranteed = false;
    }
  }
  if (!hasAny) return 'BestEffort';
  return isGuaranteed ? 'Guaranteed' : 'Burstable';
}
