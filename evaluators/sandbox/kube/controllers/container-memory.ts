/**
 * The kubelet's memory of a container: when its current outcome began (an epoch), the restarts
 * and the last termination carried into a new outcome, and when the pod was scheduled.
 */
import type { KubeObject } from '../cluster-api.js';
import { type ControllerContext, type ContainerMemory, containerMemoryKey } from './context.js';

/** The scheduled time of a pod (PodScheduled condition), falling back to its creation. */
export function scheduledAtMs(pod: KubeObject): number {
  const conditions =
    (pod.status as { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } | undefined)
      ?.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  return Date.parse(scheduled?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? new Date(0).toISOString());
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
  // Readiness is not liveness: a serving process whose readiness flips (a dependency it checks
  // went down or came back) keeps running, with the same start and restart count.
  const state = previousStatus?.state as { running?: unknown } | undefined;
  if (existing && state?.running && isServingKey(existing.outcomeKey) && isServingKey(outcomeKey)) {
    const kept: ContainerMemory = { ...existing, outcomeKey, readinessSince: nowMs };
    context.memory.containers.set(key, kept);
    return kept;
  }
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

/** An outcome key of a process that serves until stopped (its readiness aside). */
function isServingKey(outcomeKey: string): boolean {
  return outcomeKey.startsWith('run|');
}

function lastTermination(status: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const state = status?.state as { terminated?: Record<string, unknown> } | undefined;
  if (state?.terminated) return state.terminated;
  const last = status?.lastState as { terminated?: Record<string, unknown> } | undefined;
  return last?.terminated;
}
