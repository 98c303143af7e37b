/**
 * The Deployment controller: one ReplicaSet per pod template (named by the template hash),
 * rolling updates that respect maxSurge/maxUnavailable (a broken new template leaves the old
 * pods serving, as in a real cluster), Recreate, revisions, and the Deployment's status and
 * conditions (including ProgressDeadlineExceeded after progressDeadlineSeconds).
 */
import type { KubeObject } from '../cluster-api.js';
import { stableSuffix, stableUid } from '../stable-id.js';
import { type ControllerContext, controllerRef, isControlledBy, isoSeconds, putIfChanged } from './context.js';
import { childCreationMs } from './pod-factory.js';
import { type PodIndex, isActive, isPodReady } from './replica-set.js';

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
  };
}

const REVISION = 'deployment.kubernetes.io/revision';

/** The pod-template-hash of a template (stable across runs). */
export function templateHash(template: unknown): string {
  return stableSuffix(JSON.stringify(template ?? {}), 10);
}

function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: string,
): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  if (raw.endsWith('%')) {
    const fraction = (Number(raw.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(fraction) : Math.floor(fraction);
  }
  return Number(raw);
}

function replicasOf(rs: KubeObject): number {
  return Number((rs.spec as { replicas?: number }).replicas ?? 0);
}

/** Sets the ReplicaSets' desired replicas for one step of the rollout; true when something changed. */
export function syncDeployment(context: ControllerContext, deployment: KubeObject, index: PodIndex): boolean {
  const spec = deployment.spec as DeploymentSpec;
  if (spec.paused) return false;
  const namespace = deployment.metadata.namespace ?? 'default';
  const desired = Number(spec.replicas ?? 1);
  const hash = templateHash(spec.template);
  const owned = [...context.store.iterate('apps/ReplicaSet', namespace)].filter((rs) => isControlledBy(rs, deployment));
  let changed = false;
  let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
  const createdMs = childCreationMs(context, deployment);
  if (!newRs) {
    newRs = createReplicaSet(context, deployment, hash, maxRevision + 1, createdMs);
    changed = true;
  } else if (Number(newRs.metadata.annotations?.[REVISION] ?? 0) < maxRevision) {
    // Rolling back to an older template re-uses its ReplicaSet under a new revision.
    newRs = context.store.put('apps/ReplicaSet', {
      ...newRs,
      metadata: {
        ...newRs.metadata,
        annotations: { ...newRs.metadata.annotations, [REVISION]: String(maxRevision + 1) },
      },
    });
    changed = true;
  }
  const olds = owned.filter((rs) => rs !== newRs && rs.metadata.name !== newRs?.metadata.name);
  const oldTotal = olds.reduce((sum, rs) => sum + replicasOf(rs), 0);
  const podsOf = (rs: KubeObject): KubeObject[] => (index.get(rs.metadata.uid ?? '') ?? []).filter(isActive);
  let newTarget: number;
  const oldTargets = new Map<KubeObject, number>();
  if (spec.strategy?.type === 'Recreate') {
    // Old pods go away before new ones start; in the simulation termination is immediate.
    for (const rs of olds) oldTargets.set(rs, 0);
    newTarget = desired;
  } else if (oldTotal === 0) {
    newTarget = desired;
  } else {
    const surge = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, desired, true, '25%');
    let unavailable = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const newReplicas = replicasOf(newRs);
    newTarget = Math.min(desired, Math.max(newReplicas, desired + surge - oldTotal));
    const newReady = podsOf(newRs).filter(isPodReady).length;
    let oldReady = 0;
    let oldUnready = 0;
    for (const rs of olds) {
      const pods = podsOf(rs);
      const ready = pods.filter(isPodReady).length;
      oldReady += ready;
      oldUnready += Math.max(0, replicasOf(rs) - ready);
    }
    const minAvailable = desired - unavailable;
    let allowed = Math.max(0, oldReady + newReady - minAvailable) + oldUnready;
    // Scale down the oldest ReplicaSets first.
    const byAge = [...olds].sort(
      (a, b) => Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0),
    );
    for (const rs of byAge) {
      const current = replicasOf(rs);
      const cut = Math.min(current, allowed);
      allowed -= cut;
      oldTargets.set(rs, current - cut);
    }
  }
  for (const [rs, target] of oldTargets) changed = scale(context, deployment, rs, target) || changed;
  changed = scale(context, deployment, newRs, newTarget) || changed;
  if (!changed) pruneHistory(context, olds, spec.revisionHistoryLimit ?? 10);
  return changed;
}

function scale(context: ControllerContext, deployment: KubeObject, rs: KubeObject, target: number): boolean {
  const current = context.store.get('apps/ReplicaSet', rs.metadata.namespace, rs.metadata.name) ?? rs;
  const from = replicasOf(current);
  if (from === target) return false;
  const desired = Number((deployment.spec as DeploymentSpec).replicas ?? 1);
  context.store.put('apps/ReplicaSet', {
    ...current,
    metadata: {
      ...current.metadata,
      annotations: {
        ...current.metadata.annotations,
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + 1),
      },
    },
    spec: { ...(current.spec as object), replicas: target },
  });
  const atMs = current.status === undefined ? childCreationMs(context, deployment) : context.now().getTime();
  context.events.record({
    involved: deployment,
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    component: 'deployment-controller',
    message: `Scaled ${target > from ? 'up' : 'down'} replica set ${current.metadata.name} from ${from} to ${target}`,
    firstMs: atMs,
    lastMs: atMs,
    count: 1,
  });
  return true;
}

function createReplicaSet(
  context: ControllerContext,
  deployment: KubeObject,
  hash: string,
  revision: number,
  createdMs: number,
): KubeObject {
  const spec = deployment.spec as DeploymentSpec;
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = `${deployment.metadata.name}-${hash}`;
  const template = spec.template ?? {};
  const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
  const at = deployment.status === undefined ? createdMs : context.now().getTime();
  return context.store.put('apps/ReplicaSet', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace,
      uid: stableUid(`${context.clusterName}|rs|${namespace}|${name}|${deployment.metadata.uid ?? ''}`),
      creationTimestamp: isoSeconds(at),
      generation: 1,
      labels,
      annotations: {
        [REVISION]: String(revision),
        'deployment.kubernetes.io/desired-replicas': String(spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String(Number(spec.replicas ?? 1) + 1),
      },
      ownerReferences: [controllerRef(deployment)],
    },
    spec: {
      replicas: 0,
      selector: {
        ...(spec.selector ?? {}),
        matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
      },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  });
}

function pruneHistory(context: ControllerContext, olds: KubeObject[], limit: number): void {
  const idle = olds
    .map((rs) => context.store.get('apps/ReplicaSet', rs.metadata.namespace, rs.metadata.name))
    .filter((rs): rs is KubeObject => rs !== undefined && replicasOf(rs) === 0)
    .sort((a, b) => Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
    context.store.remove('apps/ReplicaSet', rs.metadata.namespace, rs.metadata.name);
}

/** Writes the Deployment's status and conditions from its ReplicaSets and pods. */
export function deploymentStatus(context: ControllerContext, deployment: KubeObject, index: PodIndex): KubeObject {
  const spec = deployment.spec as DeploymentSpec;
  const namespace = deployment.metadata.namespace ?? 'default';
  const desired = Number(spec.replicas ?? 1);
  const hash = templateHash(spec.template);
  const owned = [...context.store.iterate('apps/ReplicaSet', namespace)].filter((rs) => isControlledBy(rs, deployment));
  const newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  let replicas = 0;
  let ready = 0;
  for (const rs of owned) {
    const pods = (index.get(rs.metadata.uid ?? '') ?? []).filter(isActive);
    replicas += pods.length;
    ready += pods.filter(isPodReady).length;
  }
  const newPods = newRs ? (index.get(newRs.metadata.uid ?? '') ?? []).filter(isActive) : [];
  const updated = newPods.length;
  const newReady = newPods.filter(isPodReady).length;
  const unavailableAllowed = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
  const isAvailable = ready >= desired - (spec.strategy?.type === 'Recreate' ? 0 : unavailableAllowed);
  const previous = (deployment.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? [];
  const nowIso = isoSeconds(context.now().getTime());
  const since = (
    type: string,
    status: string,
    reason?: string,
  ): { lastTransitionTime: string; lastUpdateTime: string } => {
    const old = previous.find((c) => c.type === type);
    const baseline = deployment.status === undefined ? isoSeconds(childCreationMs(context, deployment)) : nowIso;
    const transition = old && old.status === status ? (old.lastTransitionTime ?? baseline) : baseline;
    const update = old && old.status === status && old.reason === reason ? (old.lastUpdateTime ?? baseline) : baseline;
    return { lastTransitionTime: transition, lastUpdateTime: update };
  };
  const conditions: Array<Record<string, string>> = [];
  conditions.push(
    isAvailable
      ? {
          type: 'Available',
          status: 'True',
          ...since('Available', 'True', 'MinimumReplicasAvailable'),
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          ...since('Available', 'False', 'MinimumReplicasUnavailable'),
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
  );
  const rsName = newRs?.metadata.name ?? deployment.metadata.name;
  const isComplete = updated === desired && newReady === desired && replicas === desired;
  if (isComplete) {
    conditions.push({
      type: 'Progressing',
      status: 'True',
      ...since('Progressing', 'True', 'NewReplicaSetAvailable'),
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rsName}" has successfully progressed.`,
    });
  } else {
    const progressing = since('Progressing', 'True', 'ReplicaSetUpdated');
    const oldProgress = previous.find((c) => c.type === 'Progressing');
    const startedMs =
      oldProgress?.reason === 'ReplicaSetUpdated' || oldProgress?.reason === 'ProgressDeadlineExceeded'
        ? Date.parse(oldProgress.lastUpdateTime ?? progressing.lastUpdateTime)
        : Date.parse(newRs?.metadata.creationTimestamp ?? progressing.lastUpdateTime);
    const deadlineMs = startedMs + (spec.progressDeadlineSeconds ?? 600) * 1000;
    if (context.now().getTime() >= deadlineMs) {
      const old = previous.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      conditions.push({
        type: 'Progressing',
        status: 'False',
        lastTransitionTime: old?.lastTransitionTime ?? isoSeconds(deadlineMs),
        lastUpdateTime: old?.lastUpdateTime ?? isoSeconds(deadlineMs),
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      });
    } else {
      conditions.push({
        type: 'Progressing',
        status: 'True',
        lastTransitionTime: isoSeconds(startedMs),
        lastUpdateTime:
          oldProgress?.reason === 'ReplicaSetUpdated'
            ? (oldProgress.lastUpdateTime ?? isoSeconds(startedMs))
            : isoSeconds(startedMs),
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${rsName}" is progressing.`,
      });
      context.memory.timeDependentNamespaces.add(namespace);
    }
  }
  const failure = newRs
    ? (newRs.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions?.find(
        (c) => c.type === 'ReplicaFailure',
      )
    : undefined;
  if (failure) conditions.push({ ...failure, lastUpdateTime: failure.lastTransitionTime ?? nowIso });
  const status: Record<string, unknown> = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
    ...(replicas - ready > 0 || desired - ready > 0
      ? { unavailableReplicas: Math.max(replicas, desired) - ready }
      : {}),
    conditions,
  };
  const revision = newRs?.metadata.annotations?.[REVISION];
  const next: KubeObject =
    revision && deployment.metadata.annotations?.[REVISION] !== revision
      ? {
          ...deployment,
          metadata: {
            ...deployment.metadata,
            annotations: { ...deployment.metadata.annotations, [REVISION]: revision },
          },
          status,
        }
      : { ...deployment, status };
  return putIfChanged(context, deployment, next);
}
