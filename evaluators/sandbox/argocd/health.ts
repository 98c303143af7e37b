import type { KubeObject } from '../kube/cluster-api.js';

/** Argo CD health codes. */
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface ResourceHealth {
  status: HealthStatusCode;
  message?: string;
}

/** Argo CD orders health from best to worst; the app's health is its worst resource. */
const ORDER: readonly HealthStatusCode[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** True when `a` is worse than `b` in Argo CD's ordering. */
export function isWorseHealth(a: HealthStatusCode, b: HealthStatusCode): boolean {
  return ORDER.indexOf(a) > ORDER.indexOf(b);
}

/** Container waiting reasons the kubelet reports for a pod that cannot run. */
const FAILING_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'InvalidImageName',
  'CreateContainerError',
  'RunContainerError',
]);

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

/** Pod health as Argo CD's pod check computes it. */
export function podHealth(pod: KubeObject): ResourceHealth {
  const status = record(pod.status);
  const phase = typeof status.phase === 'string' ? status.phase : 'Pending';
  const containers = [
    ...((status.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ...((status.containerStatuses as ContainerStatus[] | undefined) ?? []),
  ];
  for (const container of containers) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && FAILING_WAITING_REASONS.has(waiting.reason)) {
      return { status: 'Degraded', message: waiting.message ?? waiting.reason };
    }
  }
  switch (phase) {
    case 'Succeeded':
      return { status: 'Healthy', message: typeof status.message === 'string' ? status.message : undefined };
    case 'Failed':
      return { status: 'Degraded', message: typeof status.message === 'string' ? status.message : 'pod failed' };
    case 'Running': {
      const conditions = (status.conditions as Condition[] | undefined) ?? [];
      const ready = conditions.find((condition) => condition.type === 'Ready');
      if (ready?.status === 'True') return { status: 'Healthy' };
      return { status: 'Progressing', message: ready?.message };
    }
    default: {
      const conditions = (status.conditions as Condition[] | undefined) ?? [];
      const scheduled = conditions.find(
        (condition) => condition.type === 'PodScheduled' && condition.status === 'False',
      );
      return {
        status: 'Progressing',
        message: scheduled?.message ?? (typeof status.message === 'string' ? status.message : undefined),
      };
    }
  }
}

function rolloutHealth(object: KubeObject, kindLabel: string, pods: readonly KubeObject[]): ResourceHealth {
  const spec = record(object.spec);
  const status = record(object.status);
  const name = object.metadata.name;
  if (spec.paused === true) return { status: 'Suspended', message: `${kindLabel} is paused` };
  const conditions = (status.conditions as Condition[] | undefined) ?? [];
  const progressing = conditions.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `${kindLabel} "${name}" exceeded its progress deadline` };
  }
  const failingPod = pods.map(podHealth).find((health) => health.status === 'Degraded');
  if (failingPod) return failingPod;
  const replicas = num(spec.replicas, 1);
  const generation = num(object.metadata.generation, 0);
  const observed = num(status.observedGeneration, generation);
  if (generation > observed) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const updated = num(status.updatedReplicas, num(status.replicas));
  const current = num(status.replicas);
  const available = num(status.availableReplicas);
  if (updated < replicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    };
  }
  if (current > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${current - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}

/**
 * Health of one live object following Argo CD's built-in checks. `pods` are the pods the
 * object owns (directly or through ReplicaSets): like the brief asks, a workload whose pods
 * crash-loop or cannot pull is Degraded before its progress deadline passes. Returns undefined
 * for kinds Argo CD has no health check for (ConfigMap, Secret, ...).
 */
export function resourceHealth(
  object: KubeObject | undefined,
  pods: readonly KubeObject[] = [],
): ResourceHealth | undefined {
  if (!object) return { status: 'Missing' };
  const status = record(object.status);
  switch (object.kind) {
    case 'Deployment':
      return rolloutHealth(object, 'Deployment', pods);
    case 'StatefulSet':
    case 'ReplicaSet': {
      const failing = pods.map(podHealth).find((health) => health.status === 'Degraded');
      if (failing) return failing;
      const replicas = num(record(object.spec).replicas, 1);
      const ready = num(status.readyReplicas);
      if (ready < replicas)
        return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
      return { status: 'Healthy' };
    }
    case 'DaemonSet': {
      const failing = pods.map(podHealth).find((health) => health.status === 'Degraded');
      if (failing) return failing;
      const desired = num(status.desiredNumberScheduled);
      const available = num(status.numberAvailable);
      if (available < desired)
        return {
          status: 'Progressing',
          message:
            `Waiting for daemon set "${object.metadata.name}" rollout to finish: ${available} of ${desired} ` +
            `updated pods are available...`,
        };
      return { status: 'Healthy' };
    }
    case 'Pod':
      return podHealth(object);
    case 'PersistentVolumeClaim': {
      const phase = status.phase;
      if (phase === 'Bound') return { status: 'Healthy' };
      if (phase === 'Lost') return { status: 'Degraded' };
      return { status: 'Progressing' };
    }
    case 'Service': {
      const spec = record(object.spec);
      if (spec.type === 'LoadBalancer') {
        const ingress = record(status.loadBalancer).ingress;
        return Array.isArray(ingress) && ingress.length > 0 ? { status: 'Healthy' } : { status: 'Progressing' };
      }
      return { status: 'Healthy' };
    }
    case 'Ingress':
      return { status: 'Healthy' };
    case 'Job': {
      const conditions = (status.conditions as Condition[] | undefined) ?? [];
      const failed = conditions.find((condition) => condition.type === 'Failed' && condition.status === 'True');
      if (failed) return { status: 'Degraded', message: failed.message };
      const complete = conditions.find((condition) => condition.type === 'Complete' && condition.status === 'True');
      if (complete) return { status: 'Healthy', message: complete.message };
      return { status: 'Progressing' };
    }
    case 'CronJob':
      return cronJobHealth(object);
    case 'HorizontalPodAutoscaler':
      return { status: 'Healthy' };
    default:
      return undefined;
  }
}

/**
 * The CronJob check Argo CD ships since 3.2: Degraded only when nothing runs and the last
 * success is older than the last schedule; a run in progress or one that never succeeded yet
 * reads Healthy (Argo CD cannot tell a first run from a broken one).
 */
function cronJobHealth(cronJob: KubeObject): ResourceHealth {
  if (record(cronJob.spec).suspend === true) return { status: 'Suspended', message: 'CronJob is Suspended' };
  if (cronJob.status === undefined) return { status: 'Progressing', message: 'Waiting for CronJob' };
  const status = record(cronJob.status);
  const lastSchedule = typeof status.lastScheduleTime === 'string' ? status.lastScheduleTime : undefined;
  const lastSuccess = typeof status.lastSuccessfulTime === 'string' ? status.lastSuccessfulTime : undefined;
  if (!lastSchedule) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  if (!lastSuccess)
    return { status: 'Healthy', message: 'The Cronjob never completed succesfully. It may not be healthy' };
  if (Array.isArray(status.active) && status.active.length > 0)
    return { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' };
  if (lastSuccess < lastSchedule)
    return { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' };
  return { status: 'Healthy', message: 'CronJob has completed its last execution successfully' };
}
