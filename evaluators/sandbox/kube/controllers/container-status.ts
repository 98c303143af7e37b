/**
 * One container's status as the kubelet derives it from the container's outcome and the time
 * since that outcome began: waiting on a pull or a config error, running (ready or not), exited,
 * or restarting with back-off, plus the kubelet's events for each.
 */
import type { KubeObject } from '../cluster-api.js';
import { stableHex } from '../stable-id.js';
import { type ControllerContext, isoSeconds } from './context.js';
import { type ContainerOutcome, decideOutcome } from './container-outcome.js';
import type { ContainerSpec } from './container-spec.js';
import { containerMemory } from './container-memory.js';
import { containerIdFor, humanBackoff, imageIdOf, terminatedState, waitingStatus } from './container-states.js';
import { findBehaviour, parseImage } from './image-reference.js';
import { callFailure } from './service-calls.js';
import { crashLoop, periodic, retries } from './timeline.js';

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
    callFailure: (target) => {
      context.memory.callerNamespaces.add(namespace);
      return callFailure(context, pod, target);
    },
  });
}

/** One container's derived status plus whether it changes with time alone. */
export interface ContainerResult {
  status: Record<string, unknown>;
  isReady: boolean;
  hasStarted: boolean;
  isTerminal: boolean;
  isTimeDependent: boolean;
}

/** Derives one container's status and records the kubelet's events for it. */
export function containerStatus(
  context: ControllerContext,
  pod: KubeObject,
  container: ContainerSpec,
  previous: Record<string, unknown> | undefined,
  podIp: string,
  restartPolicy: string,
  fieldPath = `spec.containers{${container.name}}`,
): ContainerResult {
  const decided = containerOutcome(context, pod, container);
  // A Job's healthy container does its work and exits 0 instead of serving forever.
  const outcome =
    decided.kind === 'run' && decided.runSeconds === undefined && restartPolicy !== 'Always'
      ? { ...decided, runSeconds: 5 }
      : decided;
  const memory = containerMemory(context, pod, container.name, outcome.key, previous);
  const nowMs = context.now().getTime();
  const node = (pod.spec as { nodeName?: string }).nodeName ?? '';
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
    const isTimeDependent = recordReadiness(memory.readinessSince ?? memory.since, false);
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
