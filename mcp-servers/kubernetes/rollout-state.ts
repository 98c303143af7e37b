import type { WorkloadShape } from './kube-shapes.js';

/** Rollout/readiness state of a workload controller, in words and numbers. */
export interface RolloutState {
  /** `3/3 ready, 3 updated, 3 available` or the Job/DaemonSet equivalent. */
  summary: string;
  isHealthy: boolean;
  /** Conditions that are not in their good state, and stalled/paused rollouts. */
  problems: string[];
  /** The numbers of `summary` (replicas for controllers; completions for Jobs). */
  counts: RolloutCounts;
}

/** Replica (or completion) counts behind a rollout summary; each present only where the kind has it. */
export interface RolloutCounts {
  desired: number;
  ready?: number;
  updated?: number;
  available?: number;
  unavailable?: number;
  succeeded?: number;
  active?: number;
  failed?: number;
}

/** Condition types whose healthy status is "False" (everything else is healthy when "True"). */
const BAD_WHEN_TRUE = new Set(['ReplicaFailure', 'Failed', 'FailureTarget', 'Suspended']);

/** Computes rollout state for Deployment, StatefulSet, DaemonSet and Job. */
export function rolloutState(workload: WorkloadShape): RolloutState {
  const spec = workload.spec ?? {};
  const status = workload.status ?? {};
  const problems: string[] = [];
  let summary: string;
  let isHealthy: boolean;
  let counts: RolloutCounts;
  switch (workload.kind) {
    case 'DaemonSet': {
      const desired = status.desiredNumberScheduled ?? 0;
      const ready = status.numberReady ?? 0;
      summary =
        `${ready}/${desired} ready, ${status.updatedNumberScheduled ?? 0} updated, ` +
        `${status.numberUnavailable ?? 0} unavailable`;
      isHealthy = ready === desired;
      counts = {
        desired,
        ready,
        updated: status.updatedNumberScheduled ?? 0,
        unavailable: status.numberUnavailable ?? 0,
      };
      break;
    }
    case 'Job': {
      const completions = spec.completions ?? 1;
      summary =
        `${status.succeeded ?? 0}/${completions} succeeded, ${status.active ?? 0} active, ${status.failed ?? 0} ` +
        `failed (backoffLimit ${spec.backoffLimit ?? 6})`;
      isHealthy = (status.failed ?? 0) === 0 || (status.succeeded ?? 0) >= completions;
      counts = {
        desired: completions,
        succeeded: status.succeeded ?? 0,
        active: status.active ?? 0,
        failed: status.failed ?? 0,
      };
      break;
    }
    default: {
      const desired = spec.replicas ?? 1;
      const ready = status.readyReplicas ?? 0;
      const updated = status.updatedReplicas ?? status.currentReplicas ?? 0;
      const available = status.availableReplicas ?? ready;
      summary = `${ready}/${desired} ready, ${updated} updated, ${available} available`;
      if ((status.unavailableReplicas ?? 0) > 0) summary += `, ${status.unavailableReplicas} unavailable`;
      isHealthy = ready >= desired && updated >= desired;
      counts = { desired, ready, updated, available, unavailable: status.unavailableReplicas ?? 0 };
      if (desired === 0) problems.push('scaled to 0 replicas');
      if (
        workload.kind === 'StatefulSet' &&
        status.currentRevision &&
        status.updateRevision &&
        status.currentRevision !== status.updateRevision
      ) {
        problems.push(`rolling update in progress: ${status.currentRevision} -> ${status.updateRevision}`);
      }
    }
  }
  if (spec.paused) problems.push('rollout is paused (spec.paused=true)');
  const generation = workload.metadata.generation;
  if (generation !== undefined && status.observedGeneration !== undefined && status.observedGeneration < generation) {
    problems.push(`controller has not observed generation ${generation} yet (observed ${status.observedGeneration})`);
  }
  for (const condition of status.conditions ?? []) {
    const isBad = BAD_WHEN_TRUE.has(condition.type) ? condition.status === 'True' : condition.status !== 'True';
    const stalled = condition.type === 'Progressing' && condition.reason === 'ProgressDeadlineExceeded';
    if (isBad || stalled)
      problems.push(
        `${condition.type}=${condition.status} ${condition.reason ?? ''}: ${condition.message ?? ''}`.trim(),
      );
  }
  return {
    summary,
    isHealthy: isHealthy && problems.every((problem) => problem.startsWith('rolling update')),
    problems,
    counts,
  };
}

/** Container images of a pod template, `name=image`. */
export function templateImages(workload: WorkloadShape): string[] {
  return (workload.spec?.template?.spec?.containers ?? []).map((container) => {
    const limits = Object.entries(container.resources?.limits ?? {})
      .map(([resource, value]) => `${resource}=${value}`)
      .join(' ');
    return `${container.name}=${container.image ?? '?'}${limits ? ` (limits ${limits})` : ''}`;
  });
}
