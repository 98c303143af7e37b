import { KubeStatusError, type KubeClient } from '../common/kube-client.js';
import { findWellKnownType, type KubeObject, type ResourceType } from '../common/kube-types.js';
import { createOwnershipResolver, type Ownership } from '../common/kube-ownership.js';
import { groupEvents, withEventOwnership, type EventGroup } from './event-groups.js';
import type { EventShape, PodShape, WorkloadShape } from './kube-shapes.js';
import { selectorToQuery } from './kube-shapes.js';
import { condenseLog } from '../common/log-lines.js';
import { comparePods, summarizePodsWithOwnership, type PodSummary } from './pod-status.js';
import { missingKeys, referencedObjects, type MissingKey, type ObjectReference } from './references.js';
import { rolloutState, templateImages, type RolloutState } from './rollout-state.js';
import type { WorkloadMatch } from './workload-lookup.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

/** Everything `describe_workload` reports about one workload. */
export interface WorkloadReport extends Ownership {
  kind: string;
  namespace: string;
  name: string;
  revision?: string;
  images: string[];
  /** Template containers with image and resources, the facts of `images` as data. */
  containers: Array<{
    name: string;
    image?: string;
    limits?: Record<string, string>;
    requests?: Record<string, string>;
  }>;
  rollout?: RolloutState;
  pods: PodSummary[];
  warningEvents: EventGroup[];
  missingReferences: ObjectReference[];
  missingKeys: MissingKey[];
  /** ConfigMaps and Secrets a container loads whole (`envFrom`) that exist, with their key names (never values). */
  envSources: EnvSource[];
  /** Referenced PVCs that exist but are not Bound (pods using them cannot start). */
  unboundClaims: Array<{ name: string; phase: string; storageClassName?: string }>;
  /** Last log lines of crashing containers (previous run when it restarted). */
  crashLogs: Array<{ pod: string; container: string; previous: boolean; isInit?: boolean; lines: string[] }>;
}

/** An existing ConfigMap or Secret a container reads all its keys from as environment variables. */
export interface EnvSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  container: string;
  keys: string[];
}

/** The `envFrom` sources that exist, with the key names each holds. */
function envSourcesOf(references: readonly ObjectReference[], keys: ReadonlyMap<string, string[]>): EnvSource[] {
  return references.flatMap((reference) => {
    const found = keys.get(`${reference.kind}/${reference.name}`);
    if (!found || reference.kind === 'PersistentVolumeClaim' || !reference.container || reference.envVar) return [];
    if (!reference.usedBy.startsWith('envFrom')) return [];
    return [{ kind: reference.kind, name: reference.name, container: reference.container, keys: found }];
  });
}

/** Pods that belong to a workload (selector for controllers, job-name for CronJob jobs). */
export async function podsOfWorkload(kube: KubeClient, match: WorkloadMatch): Promise<PodShape[]> {
  if (match.kind === 'Pod') return [match.object as PodShape];
  if (match.kind === 'CronJob') {
    const jobs = await kube.list(type('Job'), { namespace: match.namespace });
    const owned = new Set(
      jobs
        .filter((job) =>
          (job.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'CronJob' && owner.name === match.name),
        )
        .map((job) => job.metadata.name),
    );
    const pods = (await kube.list(type('Pod'), { namespace: match.namespace })) as PodShape[];
    return pods.filter((pod) =>
      (pod.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'Job' && owned.has(owner.name)),
    );
  }
  const selector = selectorToQuery(match.object.spec?.selector);
  if (selector)
    return (await kube.list(type('Pod'), { namespace: match.namespace, labelSelector: selector })) as PodShape[];
  // A Job whose selector the controller has not written (or a manifest that sets none): its pods by owner.
  const pods = (await kube.list(type('Pod'), { namespace: match.namespace })) as PodShape[];
  return pods.filter((pod) =>
    (pod.metadata.ownerReferences ?? []).some((owner) => owner.kind === match.kind && owner.name === match.name),
  );
}

/** Kinds a controller names `<workload>-<suffix>`: their events are the workload's by name prefix. */
const GENERATED_KINDS = new Set(['Pod', 'ReplicaSet', 'Job', 'ControllerRevision']);

/** The `Kind/name` key an object's events are matched by. */
export function eventObjectKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

/**
 * Warning events about the workload, its ReplicaSets/Jobs and its pods, and the objects its pods
 * use. Matched by kind and name (`objects` holds `Kind/name` keys): another kind's object that
 * shares the workload's name (an HPA, a PodDisruptionBudget) is not the workload.
 */
export async function warningEventsFor(
  kube: KubeClient,
  namespace: string,
  objects: ReadonlySet<string>,
  prefix: string,
): Promise<EventGroup[]> {
  const events = (await kube.list(type('Event'), { namespace })) as EventShape[];
  const relevant = events.filter((event) => {
    if ((event.type ?? 'Normal') !== 'Warning') return false;
    const involved = event.involvedObject ?? event.regarding;
    const kind = involved?.kind ?? '';
    const name = involved?.name ?? '';
    return objects.has(eventObjectKey(kind, name)) || (GENERATED_KINDS.has(kind) && name.startsWith(`${prefix}-`));
  });
  return groupEvents(relevant);
}

/**
 * Gets a referenced object; a Secret this server may not read (the shipped RBAC grants no Secret
 * access, since reading one returns its values) counts as present with unknown keys.
 */
async function getUnlessForbidden(
  kube: KubeClient,
  reference: ObjectReference,
  namespace: string,
): Promise<KubeObject | undefined | 'forbidden'> {
  try {
    return await kube.get(type(reference.kind), namespace, reference.name);
  } catch (error) {
    if (reference.kind === 'Secret' && error instanceof KubeStatusError && error.status === 403) return 'forbidden';
    throw error;
  }
}

async function checkReferences(
  kube: KubeClient,
  namespace: string,
  references: ObjectReference[],
): Promise<{ missing: ObjectReference[]; keys: Map<string, string[]>; unbound: WorkloadReport['unboundClaims'] }> {
  const unique = new Map(references.map((reference) => [`${reference.kind}/${reference.name}`, reference]));
  const keys = new Map<string, string[]>();
  const missing: ObjectReference[] = [];
  const unbound: WorkloadReport['unboundClaims'] = [];
  await Promise.all(
    [...unique.values()].map(async (reference) => {
      const object = await getUnlessForbidden(kube, reference, namespace);
      if (object === 'forbidden') return;
      if (!object) {
        if (!reference.optional)
          missing.push(
            ...references.filter((candidate) => candidate.kind === reference.kind && candidate.name === reference.name),
          );
        return;
      }
      if (reference.kind === 'PersistentVolumeClaim') {
        const phase = (object.status as { phase?: string } | undefined)?.phase ?? 'Unknown';
        const storageClassName = (object.spec as { storageClassName?: string } | undefined)?.storageClassName;
        if (phase !== 'Bound')
          unbound.push({ name: reference.name, phase, ...(storageClassName ? { storageClassName } : {}) });
        return;
      }
      // Key names only: Secret and ConfigMap values are never read into the answer.
      const data = {
        ...((object as { data?: Record<string, unknown> }).data ?? {}),
        ...((object as { binaryData?: Record<string, unknown> }).binaryData ?? {}),
        ...((object as { stringData?: Record<string, unknown> }).stringData ?? {}),
      };
      keys.set(`${reference.kind}/${reference.name}`, Object.keys(data));
    }),
  );
  return { missing, keys, unbound };
}

/** Reads the last few log lines of up to `maxPods` crashing pods. Log failures are skipped, not fatal. */
async function crashLogsOf(
  kube: KubeClient,
  namespace: string,
  pods: PodSummary[],
  maxPods: number,
  tailLines: number,
): Promise<WorkloadReport['crashLogs']> {
  const crashing = pods
    .flatMap((pod) =>
      [
        ...pod.initContainers.map((container) => ({ ...container, isInit: true })),
        ...pod.containers.map((container) => ({ ...container, isInit: false })),
      ]
        .filter(
          (container) =>
            container.restarts > 0 ||
            container.state.startsWith('terminated') ||
            container.state.includes('CrashLoopBackOff') ||
            container.state.includes('Error'),
        )
        .map((container) => ({ pod: pod.name, container })),
    )
    .slice(0, maxPods);
  const results = await Promise.all(
    crashing.map(async ({ pod, container }) => {
      const previous = container.restarts > 0;
      try {
        const text = await kube.podLogs(namespace, pod, {
          container: container.name,
          previous,
          tailLines,
          limitBytes: 4_000,
        });
        const lines = condenseLog(text, { maxLineChars: 240 }).lines.slice(-tailLines);
        const init = container.isInit ? { isInit: true } : {};
        return lines.length > 0 ? { pod, container: container.name, previous, ...init, lines } : undefined;
      } catch {
        // No previous container or logs unavailable: the rest of the report still stands.
        return undefined;
      }
    }),
  );
  return results.filter((result) => result !== undefined);
}

/** Builds the one-call report on a workload: rollout, pods, events, missing references, crash logs. */
export async function buildWorkloadReport(kube: KubeClient, match: WorkloadMatch, now: Date): Promise<WorkloadReport> {
  const workload = match.object as WorkloadShape;
  const resolver = createOwnershipResolver(kube);
  const podObjects = await podsOfWorkload(kube, match);
  resolver.remember([{ ...match.object, kind: match.kind }, ...podObjects]);
  const pods = (await summarizePodsWithOwnership(podObjects, now, resolver)).sort(comparePods);
  const rawPods = match.kind === 'Pod' ? [match.object as PodShape] : [];
  const ownerNames = new Set<string>([
    eventObjectKey(match.kind, match.name),
    ...pods.map((pod) => eventObjectKey('Pod', pod.name)),
  ]);
  const podSpec =
    match.kind === 'Pod'
      ? (rawPods[0]?.spec ?? {})
      : match.kind === 'CronJob'
        ? (workload.spec as { jobTemplate?: { spec?: WorkloadShape['spec'] } } | undefined)?.jobTemplate?.spec?.template
            ?.spec
        : workload.spec?.template?.spec;
  const references = referencedObjects(podSpec);
  // Events about the PVCs/ConfigMaps it uses explain stuck pods too (ProvisioningFailed, ...).
  for (const reference of references) ownerNames.add(eventObjectKey(reference.kind, reference.name));
  const [events, referenceCheck] = await Promise.all([
    warningEventsFor(kube, match.namespace, ownerNames, match.name),
    checkReferences(kube, match.namespace, references),
  ]);
  const [crashLogs, ownedEvents, ownership] = await Promise.all([
    crashLogsOf(kube, match.namespace, pods, 2, 6),
    withEventOwnership(events, resolver),
    resolver.ownershipOf({ ...match.object, kind: match.kind }),
  ]);
  const images =
    match.kind === 'Pod'
      ? (podSpec?.containers ?? []).map((container) => `${container.name}=${container.image ?? '?'}`)
      : templateImages(workload);
  const revision = workload.metadata.annotations?.['deployment.kubernetes.io/revision'];
  return {
    kind: match.kind,
    namespace: match.namespace,
    name: match.name,
    ...ownership,
    ...(revision ? { revision } : {}),
    images,
    containers: (podSpec?.containers ?? []).map((container) => ({
      name: container.name,
      ...(container.image ? { image: container.image } : {}),
      ...(container.resources?.limits ? { limits: container.resources.limits } : {}),
      ...(container.resources?.requests ? { requests: container.resources.requests } : {}),
    })),
    ...(match.kind !== 'Pod' && match.kind !== 'CronJob' ? { rollout: rolloutState(workload) } : {}),
    pods,
    warningEvents: ownedEvents,
    missingReferences: referenceCheck.missing,
    missingKeys: missingKeys(podSpec, referenceCheck.keys),
    envSources: envSourcesOf(references, referenceCheck.keys),
    unboundClaims: referenceCheck.unbound,
    crashLogs,
  };
}
