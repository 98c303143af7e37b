import { z } from 'zod';
import { ownershipFields, type Ownership, type OwnershipResolver } from '../common/kube-ownership.js';
import { formatAge } from '../common/output-budget.js';
import type { ContainerStateShape, ContainerStatusShape, PodShape } from './kube-shapes.js';

/** One container, reduced to what explains its health. */
export interface ContainerSummary {
  name: string;
  image?: string;
  ready: boolean;
  restarts: number;
  /** `running`, `waiting: CrashLoopBackOff`, `terminated: OOMKilled (exit 137)`. */
  state: string;
  /** The previous run's end, when it restarted: `OOMKilled (exit 137) 3m ago`. */
  lastTermination?: string;
  message?: string;
  /** The facts of `state` and `lastTermination` as data. */
  reason?: string;
  exitCode?: number;
  lastTerminationReason?: string;
  lastExitCode?: number;
  lastFinishedAt?: string;
  /** The container's memory limit as written in the spec (`512Mi`). */
  memoryLimit?: string;
  /** Command and arguments from the spec, joined (`/scripts/wait-for-db.sh --timeout 30`). */
  command?: string;
  /** An init container that keeps running beside the app (restartPolicy Always). */
  isSidecar?: boolean;
}

/** One pod, reduced to what explains its health; `owners`/`argocdApp` once resolved. */
export interface PodSummary extends Ownership {
  name: string;
  namespace?: string;
  phase: string;
  ready: string;
  /** The two numbers of `ready`. */
  readyContainers: number;
  totalContainers: number;
  restarts: number;
  node?: string;
  age: string;
  isHealthy: boolean;
  /** Why it is unhealthy, most telling first (scheduling, image pull, crash, readiness). */
  problems: string[];
  containers: ContainerSummary[];
  /** Init containers (and native sidecars), in the order they run. */
  initContainers: ContainerSummary[];
}

function describeState(state: ContainerStateShape | undefined): string {
  if (state?.running) return 'running';
  if (state?.waiting) return `waiting: ${state.waiting.reason ?? 'unknown'}`;
  if (state?.terminated) {
    const exit = state.terminated.exitCode === undefined ? '' : ` (exit ${state.terminated.exitCode})`;
    return `terminated: ${state.terminated.reason ?? 'unknown'}${exit}`;
  }
  return 'unknown';
}

function summarizeContainer(status: ContainerStatusShape, now: Date): ContainerSummary {
  const last = status.lastState?.terminated;
  const message = status.state?.waiting?.message ?? status.state?.terminated?.message;
  return {
    name: status.name,
    ...(status.image ? { image: status.image } : {}),
    ready: status.ready === true,
    restarts: status.restartCount ?? 0,
    state: describeState(status.state),
    ...(last
      ? {
          lastTermination:
            `${last.reason ?? 'terminated'} (exit ` + `${last.exitCode ?? '?'}) ${formatAge(last.finishedAt, now)} ago`,
        }
      : {}),
    ...(message ? { message } : {}),
    ...facts(status),
  };
}

/** Reason and exit codes of the current and previous run, the numbers behind `state` and `lastTermination`. */
function facts(
  status: ContainerStatusShape,
): Pick<ContainerSummary, 'reason' | 'exitCode' | 'lastTerminationReason' | 'lastExitCode' | 'lastFinishedAt'> {
  const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
  const exitCode = status.state?.terminated?.exitCode;
  const last = status.lastState?.terminated;
  return {
    ...(reason ? { reason } : {}),
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(last?.reason ? { lastTerminationReason: last.reason } : {}),
    ...(last?.exitCode === undefined ? {} : { lastExitCode: last.exitCode }),
    ...(last?.finishedAt ? { lastFinishedAt: last.finishedAt } : {}),
  };
}

/** What the spec says about a container beyond its status: command and arguments, sidecar or not. */
function specFacts(pod: PodShape, name: string, isInit: boolean): Pick<ContainerSummary, 'command' | 'isSidecar'> {
  const list = isInit ? pod.spec?.initContainers : pod.spec?.containers;
  const spec = list?.find((candidate) => candidate.name === name);
  const command = [...(spec?.command ?? []), ...(spec?.args ?? [])].join(' ');
  return {
    ...(command ? { command } : {}),
    ...(isInit && spec?.restartPolicy === 'Always' ? { isSidecar: true } : {}),
  };
}

/** The memory limit of a container in the pod spec, as written (`512Mi`). */
function memoryLimitOf(pod: PodShape, containerName: string): string | undefined {
  const container = pod.spec?.containers?.find((candidate) => candidate.name === containerName) as
    { resources?: { limits?: Record<string, string> } } | undefined;
  return container?.resources?.limits?.memory;
}

/** Summarizes a pod: phase, readiness, restarts, container states and the problems behind them. */
export function summarizePod(pod: PodShape, now: Date): PodSummary {
  const status = pod.status ?? {};
  const containers = (status.containerStatuses ?? []).map((container) => summarizeContainer(container, now));
  const initContainers = (status.initContainerStatuses ?? []).map((container) => summarizeContainer(container, now));
  const specCount = pod.spec?.containers?.length ?? containers.length;
  const readyCount = containers.filter((container) => container.ready).length;
  const problems: string[] = [];
  for (const condition of status.conditions ?? []) {
    if (condition.type === 'PodScheduled' && condition.status !== 'True') {
      const selector = Object.entries(pod.spec?.nodeSelector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
      problems.push(
        (
          `not scheduled: ${condition.reason ?? ''} ` +
          `${condition.message ?? ''}${selector ? ` (nodeSelector ${selector})` : ''}`
        ).trim(),
      );
    }
  }
  for (const container of [...initContainers.map((c) => ({ ...c, name: `init:${c.name}` })), ...containers]) {
    if (
      container.state.startsWith('waiting') &&
      container.state !== 'waiting: PodInitializing' &&
      container.state !== 'waiting: ContainerCreating'
    ) {
      problems.push(`${container.name} ${container.state}${container.message ? ` — ${container.message}` : ''}`);
    } else if (container.state.startsWith('terminated') && !container.state.includes('Completed')) {
      problems.push(`${container.name} ${container.state}${container.message ? ` — ${container.message}` : ''}`);
    }
    if (container.lastTermination && container.restarts > 0) {
      // An OOM kill is about the memory limit: name it next to the kill so one line tells the story.
      const limit = container.lastTermination.startsWith('OOMKilled') ? memoryLimitOf(pod, container.name) : undefined;
      problems.push(
        `${container.name} last terminated ${container.lastTermination}, ${container.restarts} ` +
          `restarts${limit ? ` (memory limit ${limit})` : ''}`,
      );
    } else if (container.state === 'running' && !container.ready && !container.name.startsWith('init:'))
      problems.push(`${container.name} running but not ready (readiness probe failing?)`);
  }
  if (status.phase === 'Failed') {
    const why = [status.reason, status.message].filter(Boolean).join(' ');
    // Without a pod-level reason, the container lines below say why.
    problems.unshift(why ? `pod failed: ${why}` : 'pod failed');
  }
  if (status.reason === 'Evicted') problems.unshift(`evicted: ${status.message ?? ''}`);
  const phase = status.phase ?? 'Unknown';
  const isHealthy =
    problems.length === 0 && (phase === 'Succeeded' || (phase === 'Running' && readyCount === specCount));
  if (!isHealthy && problems.length === 0) problems.push(`phase ${phase}, ${readyCount}/${specCount} containers ready`);
  return {
    name: pod.metadata.name,
    ...(pod.metadata.namespace ? { namespace: pod.metadata.namespace } : {}),
    phase,
    ready: `${readyCount}/${specCount}`,
    readyContainers: readyCount,
    totalContainers: specCount,
    restarts: containers.reduce((sum, container) => sum + container.restarts, 0),
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    age: formatAge(pod.metadata.creationTimestamp, now),
    isHealthy,
    problems: [...new Set(problems)],
    containers: containers.map((container) => {
      const memoryLimit = memoryLimitOf(pod, container.name);
      return { ...container, ...(memoryLimit ? { memoryLimit } : {}), ...specFacts(pod, container.name, false) };
    }),
    initContainers: initContainers.map((container) => ({ ...container, ...specFacts(pod, container.name, true) })),
  };
}

/** A pod as one line plus indented problem lines. */
export function formatPodSummary(pod: PodSummary, indent = '  '): string[] {
  const head =
    `${indent}${pod.name}  ${pod.phase} ${pod.ready} ready  restarts=${pod.restarts}  ` +
    `age=${pod.age}${pod.node ? `  node=${pod.node}` : ''}`;
  return [head, ...pod.problems.map((problem) => `${indent}  ! ${problem}`)];
}

/** Sort key: unhealthy pods first, then most restarts, then name. */
export function comparePods(left: PodSummary, right: PodSummary): number {
  return (
    Number(left.isHealthy) - Number(right.isHealthy) ||
    right.restarts - left.restarts ||
    left.name.localeCompare(right.name)
  );
}

/** Output schema of one container summary. */
export const containerSummarySchema = z.object({
  name: z.string(),
  image: z.string().optional(),
  ready: z.boolean(),
  restarts: z.number().int(),
  state: z.string(),
  lastTermination: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional().describe('Waiting or terminated reason now, e.g. CrashLoopBackOff.'),
  exitCode: z.number().int().optional(),
  lastTerminationReason: z.string().optional().describe('Why the previous run ended, e.g. OOMKilled.'),
  lastExitCode: z.number().int().optional(),
  lastFinishedAt: z.string().optional(),
  memoryLimit: z.string().optional(),
  command: z.string().optional().describe('Command and arguments from the spec.'),
  isSidecar: z.boolean().optional().describe('An init container that keeps running (restartPolicy Always).'),
});

/** Output schema of one pod summary, ownership included. */
export const podSummarySchema = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  phase: z.string(),
  ready: z.string(),
  readyContainers: z.number().int(),
  totalContainers: z.number().int(),
  restarts: z.number().int(),
  node: z.string().optional(),
  age: z.string(),
  isHealthy: z.boolean(),
  problems: z.array(z.string()),
  containers: z.array(containerSummarySchema),
  initContainers: z.array(containerSummarySchema).describe('Init containers and native sidecars, in run order.'),
  ...ownershipFields,
});

/** Summarizes pods and names the controller chain and Argo CD app of each. */
export async function summarizePodsWithOwnership(
  pods: readonly PodShape[],
  now: Date,
  resolver: OwnershipResolver,
): Promise<PodSummary[]> {
  return Promise.all(pods.map(async (pod) => ({ ...summarizePod(pod, now), ...(await resolver.ownershipOf(pod)) })));
}
