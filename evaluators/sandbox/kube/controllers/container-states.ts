/**
 * The building blocks of a container status the kubelet reports: waiting and terminated states,
 * container and image IDs as containerd names them, and the back-off in Go duration form.
 */
import type { KubeObject } from '../cluster-api.js';
import { stableHex } from '../stable-id.js';
import { isoSeconds } from './context.js';
import type { ContainerSpec } from './container-spec.js';
import { parseImage, qualifiedImage } from './image-reference.js';

/** A waiting container status (pull, config error, pod initializing). */
export function waitingStatus(
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

export function humanBackoff(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m0s` : `${minutes}m${rest}s`;
}

export function containerIdFor(pod: KubeObject, container: string, startMs: number): string {
  return `containerd://${stableHex(`${pod.metadata.uid ?? ''}|${container}|${startMs}`, 64)}`;
}

export function terminatedState(
  exitCode: number,
  reason: string,
  startMs: number,
  endMs: number,
  containerId: string,
): Record<string, unknown> & { containerID: string } {
  return { containerID: containerId, exitCode, reason, startedAt: isoSeconds(startMs), finishedAt: isoSeconds(endMs) };
}

export function imageIdOf(image: string): string {
  const ref = parseImage(image);
  const qualified = qualifiedImage(ref.repository, ref.tag);
  return `${qualified.slice(0, qualified.lastIndexOf(':'))}@${ref.digest ?? `sha256:${stableHex(qualified, 64)}`}`;
}
