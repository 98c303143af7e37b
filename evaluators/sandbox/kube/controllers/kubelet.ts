/**
 * The simulated kubelet: derives the status of a scheduled pod (phase, conditions, container
 * states, restart counts, IPs) and the kubelet's events from the container outcomes and the
 * time elapsed since each outcome began.
 */
import type { KubeObject } from '../cluster-api.js';
import type { ControllerContext } from './context.js';
import type { ContainerSpec } from './container-spec.js';
import { containerMemory, scheduledAtMs } from './container-memory.js';
import { waitingStatus } from './container-states.js';
import { type ContainerResult, containerStatus } from './container-status.js';
import { allocatePodIp, buildPodStatus } from './pod-status.js';
import { retries } from './timeline.js';

interface VolumeSource {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
}

/** Derives the pod's status (the pod must have spec.nodeName). Returns the next pod object. */
export function runKubelet(context: ControllerContext, pod: KubeObject, nodeIp: string): KubeObject {
  const spec = pod.spec as {
    containers?: ContainerSpec[];
    initContainers?: ContainerSpec[];
    volumes?: VolumeSource[];
    restartPolicy?: string;
    nodeName?: string;
  };
  const status = (pod.status ?? {}) as Record<string, unknown>;
  const nowMs = context.now().getTime();
  const namespace = pod.metadata.namespace ?? 'default';
  const node = spec.nodeName ?? '';
  const scheduledMs = scheduledAtMs(pod);
  const containers = spec.containers ?? [];
  const previousStatuses = new Map(
    ((status.containerStatuses as Array<Record<string, unknown>> | undefined) ?? []).map((s) => [String(s.name), s]),
  );

  // Volumes first: a missing ConfigMap/Secret volume keeps every container in ContainerCreating.
  const mountError = missingVolume(context, namespace, spec.volumes ?? []);
  if (mountError) {
    const memory = containerMemory(context, pod, '', `mount|${mountError.message}`, undefined);
    const attempts = retries(memory.since, nowMs, 500, 122_000);
    context.events.record({
      involved: pod,
      type: 'Warning',
      reason: 'FailedMount',
      component: 'kubelet',
      host: node,
      message: `MountVolume.SetUp failed for volume "${mountError.volume}" : ${mountError.message}`,
      firstMs: memory.since,
      lastMs: attempts.lastAttemptMs,
      count: attempts.attempts,
    });
    context.memory.timeDependentNamespaces.add(namespace);
    const statuses = containers.map((c) => waitingStatus(c, 'ContainerCreating'));
    return withStatus(
      pod,
      buildPodStatus(pod, {
        phase: 'Pending',
        statuses,
        isReady: false,
        allStarted: false,
        scheduledMs,
        nodeIp,
        podIp: undefined,
      }),
    );
  }

  const podIp = typeof status.podIP === 'string' ? status.podIP : allocatePodIp(context, pod);
  const restartPolicy = spec.restartPolicy ?? 'Always';
  const init = runInitContainers(context, pod, spec.initContainers ?? [], podIp, restartPolicy);
  let isTimeDependent = init.isTimeDependent;
  const results: ContainerResult[] = [];
  for (const container of containers) {
    if (!init.isInitialized) {
      results.push({
        status: waitingStatus(container, 'PodInitializing'),
        isReady: false,
        hasStarted: false,
        isTerminal: false,
        isTimeDependent: false,
      });
      continue;
    }
    const result = containerStatus(context, pod, container, previousStatuses.get(container.name), podIp, restartPolicy);
    isTimeDependent ||= result.isTimeDependent;
    results.push(result);
  }
  // Sidecars (init containers with restartPolicy Always) count for readiness like app containers.
  const sidecars = init.results.filter((_, index) => spec.initContainers?.[index]?.restartPolicy === 'Always');
  if (isTimeDependent) context.memory.timeDependentNamespaces.add(namespace);
  const isReady = init.isInitialized && results.length > 0 && [...results, ...sidecars].every((r) => r.isReady);
  const allStarted = init.isInitialized && results.every((r) => r.hasStarted);
  let phase = allStarted ? 'Running' : 'Pending';
  if (init.hasFailed) phase = 'Failed';
  else if (results.length > 0 && results.every((r) => r.isTerminal)) {
    phase = results.every((r) => (r.status.state as { terminated?: { exitCode?: number } }).terminated?.exitCode === 0)
      ? 'Succeeded'
      : 'Failed';
  }
  return withStatus(
    pod,
    buildPodStatus(pod, {
      phase,
      statuses: results.map((r) => r.status),
      isReady,
      allStarted,
      scheduledMs,
      nodeIp,
      podIp,
      isInitialized: init.isInitialized,
      ...(init.results.length > 0 ? { initStatuses: init.results.map((r) => r.status) } : {}),
    }),
  );
}

/**
 * Runs the init containers in order: each must exit 0 before the next starts (a failing one
 * restarts with back-off, Init:CrashLoopBackOff, or fails the pod under restartPolicy Never);
 * a sidecar (`restartPolicy: Always`) only has to start, and keeps running beside the app.
 */
function runInitContainers(
  context: ControllerContext,
  pod: KubeObject,
  inits: ContainerSpec[],
  podIp: string,
  restartPolicy: string,
): { results: ContainerResult[]; isInitialized: boolean; hasFailed: boolean; isTimeDependent: boolean } {
  const previous = new Map(
    (
      (pod.status as { initContainerStatuses?: Array<Record<string, unknown>> } | undefined)?.initContainerStatuses ??
      []
    ).map((s) => [String(s.name), s]),
  );
  const results: ContainerResult[] = [];
  let isInitialized = true;
  let hasFailed = false;
  let isTimeDependent = false;
  for (const init of inits) {
    if (!isInitialized) {
      results.push({
        status: waitingStatus(init, 'PodInitializing'),
        isReady: false,
        hasStarted: false,
        isTerminal: false,
        isTimeDependent: false,
      });
      continue;
    }
    const isSidecar = init.restartPolicy === 'Always';
    const policy = isSidecar ? 'Always' : restartPolicy === 'Never' ? 'Never' : 'OnFailure';
    const result = containerStatus(
      context,
      pod,
      init,
      previous.get(init.name),
      podIp,
      policy,
      `spec.initContainers{${init.name}}`,
    );
    isTimeDependent ||= result.isTimeDependent;
    results.push(isSidecar ? result : { ...result, isReady: result.isTerminal && exitCodeOf(result) === 0 });
    const isDone = isSidecar ? result.hasStarted : result.isTerminal && exitCodeOf(result) === 0;
    if (!isDone) {
      isInitialized = false;
      if (result.isTerminal) hasFailed = true;
    }
  }
  return { results, isInitialized, hasFailed, isTimeDependent };
}

function exitCodeOf(result: ContainerResult): number | undefined {
  return (result.status.state as { terminated?: { exitCode?: number } } | undefined)?.terminated?.exitCode;
}

function withStatus(pod: KubeObject, status: Record<string, unknown>): KubeObject {
  return { ...pod, status };
}

function missingVolume(
  context: ControllerContext,
  namespace: string,
  volumes: VolumeSource[],
): { volume: string; message: string } | undefined {
  for (const volume of volumes) {
    if (
      volume.configMap &&
      !volume.configMap.optional &&
      !context.store.get('/ConfigMap', namespace, volume.configMap.name)
    ) {
      return { volume: volume.name, message: `configmap "${volume.configMap.name}" not found` };
    }
    if (
      volume.secret &&
      !volume.secret.optional &&
      !context.store.get('/Secret', namespace, volume.secret.secretName)
    ) {
      return { volume: volume.name, message: `secret "${volume.secret.secretName}" not found` };
    }
  }
  return undefined;
}
