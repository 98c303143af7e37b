/**
 * Container logs as the kubelet would serve them: the image's startup lines, the crash line of
 * a failing run, and, for a running caller, periodic errors for every called Service that does
 * not resolve (`no such host`) or has no ready endpoints (`connection refused`). `previous`
 * returns the last terminated run. Errors mirror the API server's 400 messages.
 */
import { KubeApiError, type KubeObject, type PodLogLine } from '../cluster-api.js';
import type { ControllerContext } from './context.js';
import type { ContainerSpec } from './container-spec.js';
import { containerOutcome } from './container-status.js';
import { callFailure } from './service-calls.js';

/** Seconds between two attempts of a caller to reach a failing dependency. */
const CALL_RETRY_SECONDS = 10;
/** At most this many retry lines are generated per dependency (older ones have rotated away). */
const MAX_CALL_LINES = 300;

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: {
    running?: { startedAt: string };
    waiting?: { reason?: string };
    terminated?: { startedAt?: string; finishedAt?: string };
  };
  lastState?: { terminated?: { startedAt?: string; finishedAt?: string } };
}

/** Log lines of one container of a pod (see the module comment). */
export function podLogLines(
  context: ControllerContext,
  namespace: string,
  podName: string,
  options: { container?: string; previous?: boolean },
): PodLogLine[] {
  const pod = context.store.get('/Pod', namespace, podName);
  if (!pod) throw new KubeApiError(404, 'NotFound', `pods "${podName}" not found`);
  const spec = pod.spec as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  const containers = spec.containers ?? [];
  let containerName = options.container;
  if (!containerName) {
    const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (containers.length === 1 || preferred) containerName = preferred ?? containers[0]?.name;
    else
      throw new KubeApiError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${podName}, choose one of: ` +
          `[${containers.map((c) => c.name).join(' ')}]`,
      );
  }
  const inits = (pod.spec as { initContainers?: ContainerSpec[] }).initContainers ?? [];
  const container = [...containers, ...inits].find((c) => c.name === containerName);
  if (!container)
    throw new KubeApiError(400, 'BadRequest', `container ${containerName ?? ''} is not valid for pod ${podName}`);
  const podStatus = pod.status as
    { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] } | undefined;
  const status = [...(podStatus?.containerStatuses ?? []), ...(podStatus?.initContainerStatuses ?? [])].find(
    (s) => s.name === container.name,
  );
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  if (options.previous) {
    const previousRun = status?.lastState?.terminated ?? status?.state?.terminated;
    if (!previousRun?.startedAt)
      throw new KubeApiError(
        400,
        'BadRequest',
        `previous terminated container "${container.name}" in pod "${podName}" not found`,
      );
    return runLines(
      context,
      pod,
      container,
      Date.parse(previousRun.startedAt),
      Date.parse(previousRun.finishedAt ?? previousRun.startedAt),
      true,
    );
  }
  if (status?.state?.running)
    return runLines(
      context,
      pod,
      container,
      Date.parse(status.state.running.startedAt),
      context.now().getTime(),
      false,
    );
  if (terminated?.startedAt)
    return runLines(
      context,
      pod,
      container,
      Date.parse(terminated.startedAt),
      Date.parse(terminated.finishedAt ?? terminated.startedAt),
      true,
    );
  const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
  const shown =
    reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
  throw new KubeApiError(
    400,
    'BadRequest',
    `container "${container.name}" in pod "${podName}" is waiting to start: ${shown}`,
  );
}

function runLines(
  context: ControllerContext,
  pod: KubeObject,
  container: ContainerSpec,
  startMs: number,
  endMs: number,
  hasExited: boolean,
): PodLogLine[] {
  const outcome = containerOutcome(context, pod, container);
  if (outcome.kind !== 'run') return [];
  const lines: PodLogLine[] = outcome.logLines.map((text, i) => ({
    time: new Date(Math.min(startMs + i * 12, endMs)),
    text,
  }));
  if (hasExited && outcome.runSeconds !== undefined && outcome.exitReason === 'OOMKilled') return lines;
  const failures = outcome.calls
    .map((target) => callFailure(context, pod, target))
    .filter((f): f is string => f !== undefined);
  if (failures.length === 0) return lines;
  const firstMs = startMs + 1000;
  const total = Math.floor((endMs - firstMs) / (CALL_RETRY_SECONDS * 1000)) + 1;
  if (endMs < firstMs) return lines;
  const from = Math.max(0, total - MAX_CALL_LINES);
  for (let i = from; i < total; i++) {
    const atMs = firstMs + i * CALL_RETRY_SECONDS * 1000;
    for (const failure of failures) lines.push({ time: new Date(atMs), text: failure });
  }
  return lines;
}
