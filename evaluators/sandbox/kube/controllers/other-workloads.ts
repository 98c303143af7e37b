/**
 * StatefulSet (ordinal pods, volumeClaimTemplates, OrderedReady), DaemonSet (one pod per
 * eligible node) and Job (pods until completions, backoffLimit) controllers and their status.
 */
import type { KubeObject } from '../cluster-api.js';
import { stableUid } from '../stable-id.js';
import { type ControllerContext, isoSeconds, putIfChanged } from './context.js';
import { templateHash } from './deployment.js';
import { childCreationMs, createPod, generateName, type PodTemplate } from './pod-factory.js';
import { type PodIndex, isActive, isPodReady } from './replica-set.js';

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: string;
  template?: PodTemplate;
  volumeClaimTemplates?: Array<{
    metadata: { name: string; labels?: Record<string, string> };
    spec: Record<string, unknown>;
  }>;
}

/** Creates missing ordinal pods (and their claims) and replaces pods of an old revision. */
export function syncStatefulSet(context: ControllerContext, sts: KubeObject, index: PodIndex): boolean {
  const spec = sts.spec as StatefulSetSpec;
  const namespace = sts.metadata.namespace ?? 'default';
  const desired = Number(spec.replicas ?? 1);
  const revision = `${sts.metadata.name}-${templateHash(spec.template)}`;
  const pods = new Map((index.get(sts.metadata.uid ?? '') ?? []).map((pod) => [pod.metadata.name, pod]));
  const isParallel = spec.podManagementPolicy === 'Parallel';
  const createdMs = childCreationMs(context, sts);
  let changed = false;
  for (let ordinal = 0; ordinal < desired; ordinal++) {
    const name = `${sts.metadata.name}-${ordinal}`;
    const existing = pods.get(name);
    if (existing && existing.metadata.labels?.['controller-revision-hash'] !== revision) {
      // Rolling update from the highest ordinal down: replace only when all higher ones are done.
      const higherDone = [...pods.values()].every(
        (p) =>
          Number(p.metadata.name.split('-').pop()) <= ordinal ||
          (p.metadata.labels?.['controller-revision-hash'] === revision && isPodReady(p)),
      );
      if (higherDone) {
        context.store.remove('/Pod', namespace, name);
        pods.delete(name);
        changed = true;
      }
      continue;
    }
    if (existing) {
      if (!isParallel && !isPodReady(existing)) break;
      continue;
    }
    const volumes: Array<Record<string, unknown>> = [];
    for (const claimTemplate of spec.volumeClaimTemplates ?? []) {
      const claimName = `${claimTemplate.metadata.name}-${name}`;
      volumes.push({ name: claimTemplate.metadata.name, persistentVolumeClaim: { claimName } });
      if (!context.store.get('/PersistentVolumeClaim', namespace, claimName)) {
        context.store.put('/PersistentVolumeClaim', {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: claimName,
            namespace,
            uid: stableUid(`${context.clusterName}|pvc|${namespace}|${claimName}`),
            creationTimestamp: isoSeconds(createdMs),
            labels: { ...(spec.template?.metadata?.labels ?? {}), ...(claimTemplate.metadata.labels ?? {}) },
          },
          spec: { volumeMode: 'Filesystem', ...claimTemplate.spec },
        });
        context.events.record({
          involved: sts,
          type: 'Normal',
          reason: 'SuccessfulCreate',
          component: 'statefulset-controller',
          message: `create Claim ${claimName} Pod ${name} in StatefulSet ${sts.metadata.name} success`,
          firstMs: createdMs,
          lastMs: createdMs,
          count: 1,
        });
      }
    }
    const templateSpec = spec.template?.spec ?? {};
    const podSpec: Record<string, unknown> = {
      hostname: name,
      ...(spec.serviceName ? { subdomain: spec.serviceName } : {}),
    };
    if (volumes.length > 0)
      podSpec.volumes = [
        ...(((templateSpec.volumes as unknown[]) ?? []) as Array<Record<string, unknown>>),
        ...volumes,
      ];
    const result = createPod(context, sts, spec.template ?? {}, name, {
      createdMs,
      labels: {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(ordinal),
      },
      spec: podSpec,
    });
    if (typeof result === 'string') break;
    changed = true;
    if (!isParallel) break;
  }
  for (const [name, pod] of pods) {
    if (Number(name.split('-').pop()) >= desired) {
      context.store.remove('/Pod', namespace, pod.metadata.name);
      changed = true;
    }
  }
  return changed;
}

/** Writes the StatefulSet's status. */
export function statefulSetStatus(context: ControllerContext, sts: KubeObject, index: PodIndex): KubeObject {
  const spec = sts.spec as StatefulSetSpec;
  const revision = `${sts.metadata.name}-${templateHash(spec.template)}`;
  const pods = (index.get(sts.metadata.uid ?? '') ?? []).filter(isActive);
  const ready = pods.filter(isPodReady).length;
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
  return putIfChanged(context, sts, {
    ...sts,
    status: {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    },
  });
}

function eligibleNodes(context: ControllerContext, template: PodTemplate | undefined): KubeObject[] {
  const selector = (template?.spec?.nodeSelector as Record<string, string> | undefined) ?? {};
  return context.store
    .list('/Node')
    .filter((node) => Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v));
}

/** One pod per eligible node, pinned with a matchFields node affinity like the real controller. */
export function syncDaemonSet(context: ControllerContext, ds: KubeObject, index: PodIndex): boolean {
  const template = (ds.spec as { template?: PodTemplate }).template ?? {};
  const hash = templateHash(template);
  const pods = (index.get(ds.metadata.uid ?? '') ?? []).filter(isActive);
  const createdMs = childCreationMs(context, ds);
  let changed = false;
  for (const node of eligibleNodes(context, template)) {
    const nodeName = node.metadata.name;
    const pinned = (pod: KubeObject): boolean =>
      JSON.stringify((pod.spec as { affinity?: unknown }).affinity ?? {}).includes(`"${nodeName}"`);
    const existing = pods.find(pinned);
    if (existing && existing.metadata.labels?.['controller-revision-hash'] === hash) continue;
    if (existing) {
      context.store.remove('/Pod', existing.metadata.namespace, existing.metadata.name);
      changed = true;
    }
    const name = generateName(context, ds, `${ds.metadata.name}-`, '/Pod');
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
        },
      },
    };
    const result = createPod(context, ds, template, name, {
      createdMs,
      labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      spec: { affinity },
    });
    if (typeof result !== 'string') changed = true;
  }
  return changed;
}

/** Writes the DaemonSet's status. */
export function daemonSetStatus(context: ControllerContext, ds: KubeObject, index: PodIndex): KubeObject {
  const template = (ds.spec as { template?: PodTemplate }).template ?? {};
  const hash = templateHash(template);
  const desired = eligibleNodes(context, template).length;
  const pods = (index.get(ds.metadata.uid ?? '') ?? []).filter(isActive);
  const scheduled = pods.filter((p) => (p.spec as { nodeName?: string }).nodeName).length;
  const ready = pods.filter(isPodReady).length;
  return putIfChanged(context, ds, {
    ...ds,
    status: {
      observedGeneration: ds.metadata.generation ?? 1,
      desiredNumberScheduled: desired,
      currentNumberScheduled: scheduled,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
      updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length,
    },
  });
}

interface JobSpec {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  template?: PodTemplate;
}

function jobCounts(
  index: PodIndex,
  job: KubeObject,
): { active: number; succeeded: number; failed: number; pods: KubeObject[] } {
  const pods = index.get(job.metadata.uid ?? '') ?? [];
  let active = 0;
  let succeeded = 0;
  let failed = 0;
  for (const pod of pods) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded') succeeded += 1;
    else if (phase === 'Failed') failed += 1;
    else active += 1;
  }
  return { active, succeeded, failed, pods };
}

/** Creates Job pods until completions succeed or the backoff limit is reached. */
export function syncJob(context: ControllerContext, job: KubeObject, index: PodIndex): boolean {
  const spec = job.spec as JobSpec;
  const counts = jobCounts(index, job);
  const completions = Number(spec.completions ?? 1);
  if (counts.succeeded >= completions || counts.failed > Number(spec.backoffLimit ?? 6)) return false;
  const wanted = Math.min(Number(spec.parallelism ?? 1), completions - counts.succeeded) - counts.active;
  let changed = false;
  for (let i = 0; i < wanted; i++) {
    const name = generateName(context, job, `${job.metadata.name}-`, '/Pod');
    const labels = {
      'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
      'batch.kubernetes.io/job-name': job.metadata.name,
      'controller-uid': job.metadata.uid ?? '',
      'job-name': job.metadata.name,
    };
    const result = createPod(context, job, spec.template ?? {}, name, {
      createdMs: childCreationMs(context, job),
      labels,
    });
    if (typeof result === 'string') break;
    changed = true;
  }
  return changed;
}

/** Writes the Job's status and Complete/Failed conditions. */
export function jobStatus(context: ControllerContext, job: KubeObject, index: PodIndex): KubeObject {
  const spec = job.spec as JobSpec;
  const counts = jobCounts(index, job);
  const completions = Number(spec.completions ?? 1);
  const startTime = job.metadata.creationTimestamp;
  const finishedAt = counts.pods
    .map(
      (p) =>
        ((p.status as { containerStatuses?: Array<{ state?: { terminated?: { finishedAt?: string } } }> })
          .containerStatuses ?? [])[0]?.state?.terminated?.finishedAt,
    )
    .filter((t): t is string => typeof t === 'string')
    .sort()
    .pop();
  const conditions: Array<Record<string, string>> = [];
  let completionTime: string | undefined;
  if (counts.succeeded >= completions) {
    completionTime = finishedAt ?? isoSeconds(context.now().getTime());
    conditions.push({
      type: 'SuccessCriteriaMet',
      status: 'True',
      lastProbeTime: completionTime,
      lastTransitionTime: completionTime,
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    });
    conditions.push({
      type: 'Complete',
      status: 'True',
      lastProbeTime: completionTime,
      lastTransitionTime: completionTime,
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    });
  } else if (counts.failed > Number(spec.backoffLimit ?? 6)) {
    const at = finishedAt ?? isoSeconds(context.now().getTime());
    // The job controller says so in an event as well as in the condition.
    context.events.record({
      involved: job,
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
      component: 'job-controller',
      firstMs: Date.parse(at),
      lastMs: Date.parse(at),
      count: 1,
    });
    conditions.push({
      type: 'Failed',
      status: 'True',
      lastProbeTime: at,
      lastTransitionTime: at,
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  }
  const status: Record<string, unknown> = {
    ...(startTime ? { startTime } : {}),
    ...(counts.active > 0 ? { active: counts.active } : {}),
    ...(counts.succeeded > 0 ? { succeeded: counts.succeeded } : {}),
    ...(counts.failed > 0 ? { failed: counts.failed } : {}),
    ready: counts.pods.filter(isPodReady).length,
    terminating: 0,
    uncountedTerminatedPods: {},
    ...(completionTime ? { completionTime } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
  };
  return putIfChanged(context, job, { ...job, status });
}
