/**
 * The simulated kubelet: derives the status of a scheduled pod (phase, conditions, container
 * states, restart counts, IPs) and the kubelet's events from the container outcomes and the
 * time elapsed since each outcome began.
 */
import type { KubeObject } from '../cluster-api.js';
import { stableHex, stableNumber } from '../stable-id.js';
import { type ControllerContext, type ContainerMemory, containerMemoryKey, isoSeconds } from './context.js';
import {
  type ContainerOutcome,
  type ContainerSpec,
  decideOutcome,
  findBehaviour,
  parseImage,
  qualifiedImage,
} from './container-outcome.js';
import { crashLoop, periodic, retries } from './timeline.js';
import { callFailure } from './call-failure.js';

interface VolumeSource {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
}

/** One container's derived status plus whether it changes with time alone. */
interface ContainerResult {
  status: Record<string, unknown>;
  isReady: boolean;
  hasStarted: boolean;
  isTerminal: boolean;
  isTimeDependent: boolean;
}

/** The scheduled time of a pod (PodScheduled condition), falling back to its creation. */
export function scheduledAtMs(pod: KubeObject): number {
  const conditions =
    (pod.status as { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } | undefined)
      ?.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  return Date.parse(scheduled?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? new Date(0).toISOString());
}

/** The outcome of a container right now (also used by the logs endpoint). */
export function containerOutcome(
  context: ControllerContext,
  pod: KubeObject,
  container: ContainerSpec,
): ContainerOutcome {
  const namespace = pod.metadata.namespace ?? 'default';
  return decideOutcome({
    pod,
    container,
    behaviour: findBehaviour(context.images, parseImage(container.image ?? '').repository),
    getConfigMap: (name) => context.store.get('/ConfigMap', namespace, name),
    getSecret: (name) => context.store.get('/Secret', namespace, name),
  });
}

/**
 * Remembers when the container's current outcome began; a changed outcome (a fix landed, a
 * ConfigMap appeared) starts a new epoch and carries restarts and the last termination over.
 */
export function containerMemory(
  context: ControllerContext,
  pod: KubeObject,
  name: string,
  outcomeKey: string,
  previousStatus: Record<string, unknown> | undefined,
): ContainerMemory {
  const key = containerMemoryKey(pod, name);
  const existing = context.memory.containers.get(key);
  if (existing && existing.outcomeKey === outcomeKey) return existing;
  const nowMs = context.now().getTime();
  const memory: ContainerMemory = existing
    ? {
        outcomeKey,
        since: nowMs,
        // A container that had run restarts into the new outcome; one that never started does not.
        baseRestarts:
          Number(previousStatus?.restartCount ?? existing.baseRestarts) +
          (typeof previousStatus?.containerID === 'string' ? 1 : 0),
        ...(lastTermination(previousStatus) ? { lastTerminated: lastTermination(previousStatus) } : {}),
      }
    : { outcomeKey, since: scheduledAtMs(pod), baseRestarts: 0 };
  context.memory.containers.set(key, memory);
  return memory;
}

function lastTermination(status: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const state = status?.state as { terminated?: Record<string, unknown> } | undefined;
  if (state?.terminated) return state.terminated;
  const last = status?.lastState as { terminated?: Record<string, unknown> } | undefined;
  return last?.terminated;
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
  const init = runInitContainers(context, pod, spec.initContainers ?? [], status, podIp);
  if (init.isTimeDependent) context.memory.timeDependentNamespaces.add(namespace);
  if (!init.isDone) {
    // The app containers wait until every init container has completed.
    const statuses = containers.map((c) => waitingStatus(c, 'PodInitializing'));
    return withStatus(
      pod,
      buildPodStatus(pod, {
        phase: 'Pending',
        statuses,
        initStatuses: init.statuses,
        isInitialized: false,
        isReady: false,
        allStarted: false,
        scheduledMs,
        nodeIp,
        podIp,
      }),
    );
  }
  let isTimeDependent = false;
  const results: ContainerResult[] = [];
  for (const container of containers) {
    const result = containerStatus(
      context,
      pod,
      container,
      previousStatuses.get(container.name),
      podIp,
      spec.restartPolicy ?? 'Always',
    );
    isTimeDependent ||= result.isTimeDependent;
    results.push(result);
  }
  if (isTimeDependent) context.memory.timeDependentNamespaces.add(namespace);
  const isReady = results.length > 0 && results.every((r) => r.isReady);
  const allStarted = results.every((r) => r.hasStarted);
  let phase = allStarted ? 'Running' : 'Pending';
  if (results.length > 0 && results.every((r) => r.isTerminal)) {
    phase = results.every((r) => (r.status.state as { terminated?: { exitCode?: number } }).terminated?.exitCode === 0)
      ? 'Succeeded'
      : 'Failed';
  }
  return withStatus(
    pod,
    buildPodStatus(pod, {
      phase,
      statuses: results.map((r) => r.status),
      initStatuses: init.statuses,
      isInitialized: true,
      isReady,
      allStarted,
      scheduledMs,
      nodeIp,
      podIp,
    }),
  );
}

/**
 * Init containers run one after another before the app containers, each to completion: a
 * healthy one exits 0 (Completed) and the next starts; one that fails is restarted with back-off
 * (Init:CrashLoopBackOff), and those after it wait (PodInitializing).
 */
function runInitContainers(
  context: ControllerContext,
  pod: KubeObject,
  initContainers: readonly ContainerSpec[],
  status: Record<string, unknown>,
  podIp: string,
): { isDone: boolean; statuses: Array<Record<string, unknown>>; isTimeDependent: boolean } {
  const previous = new Map(
    ((status.initContainerStatuses as Array<Record<string, unknown>> | undefined) ?? []).map((s) => [
      String(s.name),
      s,
    ]),
  );
  const statuses: Array<Record<string, unknown>> = [];
  let isTimeDependent = false;
  let isBlocked = false;
  for (const container of initContainers) {
    if (isBlocked) {
      statuses.push(waitingStatus(container, 'PodInitializing'));
      continue;
    }
    const result = containerStatus(
      context,
      pod,
      container,
      previous.get(container.name),
      podIp,
      'OnFailure',
      'initContainers',
    );
    isTimeDependent ||= result.isTimeDependent;
    statuses.push({ ...result.status, ready: result.isTerminal });
    const exitCode = (result.status.state as { terminated?: { exitCode?: number } }).terminated?.exitCode;
    if (!result.isTerminal || exitCode !== 0) isBlocked = true;
  }
  return { isDone: !isBlocked, statuses, isTimeDependent };
}

/**
 * An app whose readiness endpoint checks its dependencies (`readyNeedsCalls`) reports 503 while
 * a Service it calls does not resolve or has no ready endpoints; it is ready again once they are.
 */
function dependentReadiness(
  context: ControllerContext,
  pod: KubeObject,
  container: ContainerSpec,
  outcome: ContainerOutcome,
): ContainerOutcome {
  const probe = container.readinessProbe;
  const behaviour = findBehaviour(context.images, parseImage(container.image ?? '').repository);
  if (outcome.kind !== 'run' || outcome.readinessFailure || !probe?.httpGet || !behaviour?.readyNeedsCalls)
    return outcome;
  const down = outcome.calls.find((target) => callFailure(context, pod, target) !== undefined);
  if (!down) return outcome;
  return {
    ...outcome,
    // Same key: readiness changing with a dependency is no new outcome (the container does not restart).
    readinessFailure: {
      kind: 'Readiness',
      message: 'HTTP probe failed with statuscode: 503',
      periodSeconds: probe.periodSeconds ?? 10,
      initialDelaySeconds: probe.initialDelaySeconds ?? 0,
      failureThreshold: probe.failureThreshold ?? 3,
    },
  };
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

function waitingStatus(
  container: ContainerSpec,
  reason: string,
  message?: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: container.name,
    image: container.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: {},
    ...extra,
  };
}

function containerStatus(
  context: ControllerContext,
  pod: KubeObject,
  container: ContainerSpec,
  previous: Record<string, unknown> | undefined,
  podIp: string,
  restartPolicy: string,
  field: 'containers' | 'initContainers' = 'containers',
): ContainerResult {
  const decided = dependentReadiness(context, pod, container, containerOutcome(context, pod, container));
  // A Job's healthy container does its work and exits 0 instead of serving forever.
  const outcome =
    decided.kind === 'run' && decided.runSeconds === undefined && restartPolicy !== 'Always'
      ? { ...decided, runSeconds: 5 }
      : decided;
  const memory = containerMemory(context, pod, container.name, outcome.key, previous);
  const nowMs = context.now().getTime();
  const node = (pod.spec as { nodeName?: string }).nodeName ?? '';
  const fieldPath = `spec.${field}{${container.name}}`;
  const image = container.image ?? '';
  const record = (
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    firstMs: number,
    lastMs: number,
    count: number,
  ): void =>
    context.events.record({
      involved: pod,
      type,
      reason,
      message,
      component: 'kubelet',
      host: node,
      fieldPath,
      firstMs,
      lastMs,
      count,
    });
  const carried = memory.lastTerminated ? { lastState: { terminated: memory.lastTerminated } } : {};

  if (outcome.kind === 'image-missing') {
    const pulls = retries(memory.since, nowMs, 10_000, 300_000);
    const isFreshFailure = nowMs - pulls.lastAttemptMs < 5_000;
    record('Normal', 'Pulling', `Pulling image "${image}"`, memory.since, pulls.lastAttemptMs, pulls.attempts);
    record(
      'Warning',
      'Failed',
      `Failed to pull image "${image}": ${outcome.pullError}`,
      memory.since,
      pulls.lastAttemptMs,
      pulls.attempts,
    );
    record('Warning', 'Failed', 'Error: ErrImagePull', memory.since, pulls.lastAttemptMs, pulls.attempts);
    if (pulls.attempts > 1 || !isFreshFailure) {
      const backoffCount = pulls.attempts - (isFreshFailure ? 1 : 0);
      record(
        'Normal',
        'BackOff',
        `Back-off pulling image "${image}"`,
        memory.since + 1000,
        Math.max(memory.since + 1000, nowMs - 1000),
        backoffCount,
      );
      record(
        'Warning',
        'Failed',
        'Error: ImagePullBackOff',
        memory.since + 1000,
        Math.max(memory.since + 1000, nowMs - 1000),
        backoffCount,
      );
    }
    const status = isFreshFailure
      ? waitingStatus(container, 'ErrImagePull', outcome.pullError, { restartCount: memory.baseRestarts, ...carried })
      : waitingStatus(
          container,
          'ImagePullBackOff',
          `Back-off pulling image "${image}": ErrImagePull: ${outcome.pullError}`,
          { restartCount: memory.baseRestarts, ...carried },
        );
    return { status, isReady: false, hasStarted: memory.baseRestarts > 0, isTerminal: false, isTimeDependent: true };
  }

  const imageId = imageIdOf(image);
  if (outcome.kind === 'config-error') {
    const syncs = periodic(memory.since, nowMs, 15_000);
    record(
      'Normal',
      'Pulled',
      `Container image "${image}" already present on machine`,
      memory.since,
      syncs.lastAttemptMs,
      syncs.attempts,
    );
    record('Warning', 'Failed', `Error: ${outcome.message}`, memory.since, syncs.lastAttemptMs, syncs.attempts);
    const status = waitingStatus(container, 'CreateContainerConfigError', outcome.message, {
      imageID: imageId,
      restartCount: memory.baseRestarts,
      ...carried,
    });
    return { status, isReady: false, hasStarted: memory.baseRestarts > 0, isTerminal: false, isTimeDependent: true };
  }

  const containerId = `containerd://${stableHex(`${pod.metadata.uid ?? ''}|${container.name}|${memory.since}`, 64)}`;
  const base = { name: container.name, image, imageID: imageId, containerID: containerId, started: false };
  const readiness = outcome.readinessFailure;
  const recordStart = (count: number, lastStartMs: number): void => {
    record(
      'Normal',
      'Pulled',
      `Container image "${image}" already present on machine`,
      memory.since,
      lastStartMs,
      count,
    );
    record('Normal', 'Created', `Created container: ${container.name}`, memory.since, lastStartMs, count);
    record('Normal', 'Started', `Started container ${container.name}`, memory.since, lastStartMs, count);
  };
  const recordReadiness = (runStartMs: number, isTimeDependent: boolean): boolean => {
    if (!readiness) return isTimeDependent;
    const first = runStartMs + (readiness.initialDelaySeconds + readiness.periodSeconds) * 1000;
    if (nowMs < first) return true;
    const probes = periodic(first, nowMs, readiness.periodSeconds * 1000);
    record(
      'Warning',
      'Unhealthy',
      `Readiness probe failed: ${readiness.message.replaceAll('{ip}', podIp)}`,
      first,
      probes.lastAttemptMs,
      probes.attempts,
    );
    return true;
  };

  if (outcome.runSeconds === undefined) {
    // Runs until stopped: healthy or not ready.
    recordStart(1, memory.since);
    const isTimeDependent = recordReadiness(memory.since, false);
    const status = {
      ...base,
      ready: !readiness,
      restartCount: memory.baseRestarts,
      started: true,
      state: { running: { startedAt: isoSeconds(memory.since) } },
      lastState: memory.lastTerminated ? { terminated: memory.lastTerminated } : {},
    };
    return { status, isReady: !readiness, hasStarted: true, isTerminal: false, isTimeDependent };
  }

  if (restartPolicy === 'Never' || (restartPolicy === 'OnFailure' && outcome.exitCode === 0)) {
    const endMs = memory.since + outcome.runSeconds * 1000;
    recordStart(1, memory.since);
    if (nowMs < endMs) {
      return {
        status: {
          ...base,
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: isoSeconds(memory.since) } },
          lastState: {},
        },
        isReady: true,
        hasStarted: true,
        isTerminal: false,
        isTimeDependent: true,
      };
    }
    const terminated = terminatedState(outcome.exitCode, outcome.exitReason, memory.since, endMs, containerId);
    return {
      status: { ...base, ready: false, restartCount: 0, started: false, state: { terminated }, lastState: {} },
      isReady: false,
      hasStarted: true,
      isTerminal: true,
      isTimeDependent: false,
    };
  }

  // Exits after each run and is restarted with back-off (CrashLoopBackOff).
  const loop = crashLoop(memory.since, outcome.runSeconds, nowMs);
  const restartCount = memory.baseRestarts + loop.restarts;
  recordStart(loop.restarts + 1, loop.runStartMs);
  if (loop.backoffCount > 0) {
    const firstBackoff = memory.since + outcome.runSeconds * 1000 * 2 + 1000;
    record(
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${container.name} in pod ` +
        `${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`,
      firstBackoff,
      Math.max(firstBackoff, loop.lastBackoffMs),
      loop.backoffCount,
    );
  }
  const liveness = outcome.livenessFailure;
  if (liveness) {
    const kills = loop.restarts + (loop.isRunning ? 0 : 1);
    const firstFailure = memory.since + (liveness.initialDelaySeconds + liveness.periodSeconds) * 1000;
    if (nowMs >= firstFailure) {
      const currentFailures = loop.isRunning
        ? Math.max(
            0,
            Math.min(
              liveness.failureThreshold,
              Math.floor(
                (nowMs - loop.runStartMs - liveness.initialDelaySeconds * 1000) / (liveness.periodSeconds * 1000),
              ),
            ),
          )
        : 0;
      const failures =
        loop.restarts * liveness.failureThreshold + (loop.isRunning ? currentFailures : liveness.failureThreshold);
      const lastFailure =
        loop.isRunning && currentFailures === 0
          ? (loop.previousRun?.endMs ?? firstFailure)
          : loop.isRunning
            ? nowMs
            : (loop.lastEnded?.endMs ?? nowMs);
      record(
        'Warning',
        'Unhealthy',
        `${liveness.kind} probe failed: ${liveness.message.replaceAll('{ip}', podIp)}`,
        firstFailure,
        Math.max(firstFailure, lastFailure),
        Math.max(1, failures),
      );
      if (kills > 0) {
        const verb = liveness.kind === 'Startup' ? 'startup' : 'liveness';
        record(
          'Normal',
          'Killing',
          `Container ${container.name} failed ${verb} probe, will be restarted`,
          memory.since + outcome.runSeconds * 1000,
          loop.lastEnded?.endMs ?? loop.previousRun?.endMs ?? nowMs,
          kills,
        );
      }
    }
  }
  recordReadiness(loop.runStartMs, true);
  const previousTermination = loop.previousRun
    ? terminatedState(
        outcome.exitCode,
        outcome.exitReason,
        loop.previousRun.startMs,
        loop.previousRun.endMs,
        containerIdFor(pod, container.name, loop.previousRun.startMs),
      )
    : memory.lastTerminated;
  if (loop.isRunning) {
    const status = {
      ...base,
      containerID: containerIdFor(pod, container.name, loop.runStartMs),
      ready: false,
      restartCount,
      started: true,
      state: { running: { startedAt: isoSeconds(loop.runStartMs) } },
      lastState: previousTermination ? { terminated: previousTermination } : {},
    };
    return { status, isReady: false, hasStarted: true, isTerminal: false, isTimeDependent: true };
  }
  const ended = loop.lastEnded ?? { startMs: loop.runStartMs, endMs: nowMs };
  const endedState = terminatedState(
    outcome.exitCode,
    outcome.exitReason,
    ended.startMs,
    ended.endMs,
    containerIdFor(pod, container.name, ended.startMs),
  );
  if (loop.isFirstExit) {
    const status = {
      ...base,
      containerID: endedState.containerID,
      ready: false,
      restartCount,
      started: false,
      state: { terminated: endedState },
      lastState: memory.lastTerminated ? { terminated: memory.lastTerminated } : {},
    };
    return { status, isReady: false, hasStarted: true, isTerminal: false, isTimeDependent: true };
  }
  const message =
    `back-off ${humanBackoff(loop.backoffSeconds)} restarting failed container=${container.name} ` +
    `pod=${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`;
  const status = {
    ...base,
    containerID: endedState.containerID,
    ready: false,
    restartCount,
    started: false,
    state: { waiting: { reason: 'CrashLoopBackOff', message } },
    lastState: { terminated: endedState },
  };
  return { status, isReady: false, hasStarted: true, isTerminal: false, isTimeDependent: true };
}

function humanBackoff(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m0s` : `${minutes}m${rest}s`;
}

function containerIdFor(pod: KubeObject, container: string, startMs: number): string {
  return `containerd://${stableHex(`${pod.metadata.uid ?? ''}|${container}|${startMs}`, 64)}`;
}

function terminatedState(
  exitCode: number,
  reason: string,
  startMs: number,
  endMs: number,
  containerId: string,
): Record<string, unknown> & { containerID: string } {
  return { containerID: containerId, exitCode, reason, startedAt: isoSeconds(startMs), finishedAt: isoSeconds(endMs) };
}

function imageIdOf(image: string): string {
  const ref = parseImage(image);
  const qualified = qualifiedImage(ref.repository, ref.tag);
  return `${qualified.slice(0, qualified.lastIndexOf(':'))}@${ref.digest ?? `sha256:${stableHex(qualified, 64)}`}`;
}

function allocatePodIp(context: ControllerContext, pod: KubeObject): string {
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

interface PodStatusInput {
  phase: string;
  statuses: Array<Record<string, unknown>>;
  initStatuses?: Array<Record<string, unknown>>;
  /** False while init containers have not all completed. */
  isInitialized?: boolean;
  isReady: boolean;
  allStarted: boolean;
  scheduledMs: number;
  nodeIp: string;
  podIp: string | undefined;
}

function buildPodStatus(pod: KubeObject, input: PodStatusInput): Record<string, unknown> {
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
              .filter((s) => s.ready !== true)
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
    ...(input.initStatuses && input.initStatuses.length > 0 ? { initContainerStatuses: input.initStatuses } : {}),
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
