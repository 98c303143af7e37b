import { createHash } from 'node:crypto';
import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import { resolveScenarioTime, type SandboxClock } from '../sandbox-clock.js';
import type { Scenario } from './scenario-schema.js';

/** The component that reports a noise event about an object of this kind. */
function reporter(kind: string): string {
  switch (kind) {
    case 'Pod':
      return 'kubelet';
    case 'HorizontalPodAutoscaler':
      return 'horizontal-pod-autoscaler';
    case 'CronJob':
      return 'cronjob-controller';
    case 'Node':
      return 'kubelet';
    default:
      return `${kind.toLowerCase()}-controller`;
  }
}

/**
 * What a scenario cluster holds before Argo CD deploys anything: its namespaces, Kyverno
 * policies, out-of-band objects, and the noise events (core/v1 Events with real timestamps).
 */
export function scenarioObjects(scenario: Scenario, clusterName: string, start: Date): KubeObject[] {
  const cluster = scenario.clusters.find((candidate) => candidate.name === clusterName);
  if (!cluster) return [];
  const objects: KubeObject[] = cluster.namespaces.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
  }));
  objects.push(...(cluster.policies as KubeObject[]), ...(cluster.objects as KubeObject[]));
  for (const event of scenario.noise.events.filter((candidate) => candidate.cluster === clusterName)) {
    const first = resolveScenarioTime(event.firstSeen, start).toISOString();
    const last = resolveScenarioTime(event.lastSeen, start).toISOString();
    const suffix = createHash('sha1')
      .update(`${event.namespace}/${event.involvedObject.name}/${event.reason}`)
      .digest('hex')
      .slice(0, 16);
    objects.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${event.involvedObject.name}.${suffix}`,
        namespace: event.namespace,
        creationTimestamp: first,
      },
      involvedObject: {
        kind: event.involvedObject.kind,
        name: event.involvedObject.name,
        namespace: event.namespace,
        ...(event.involvedObject.apiVersion ? { apiVersion: event.involvedObject.apiVersion } : { apiVersion: 'v1' }),
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      count: event.count,
      firstTimestamp: first,
      lastTimestamp: last,
      source: { component: reporter(event.involvedObject.kind) },
      reportingComponent: reporter(event.involvedObject.kind),
      reportingInstance: '',
    });
  }
  return objects;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON merge patch (RFC 7386): objects merge, arrays and scalars replace, null deletes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * Applies the scenario's out-of-band changes (a `kubectl edit`, a manual scale) at their times:
 * each change is merge-patched onto the live object (or created) under its own field manager.
 */
export function applyScenarioChanges(
  scenario: Scenario,
  clusters: ReadonlyMap<string, SimulatedCluster>,
  clock: SandboxClock,
  start: Date,
): void {
  const changes = [...scenario.changes].sort(
    (a, b) => resolveScenarioTime(a.at, start).getTime() - resolveScenarioTime(b.at, start).getTime(),
  );
  for (const change of changes) {
    const cluster = clusters.get(change.cluster);
    if (!cluster) continue;
    clock.pin(resolveScenarioTime(change.at, start));
    const patch = change.object as KubeObject;
    const live = cluster.get(patch.apiVersion, patch.kind, patch.metadata.namespace, patch.metadata.name);
    const next = live ? (mergePatch(live, patch) as KubeObject) : patch;
    cluster.apply(next, { fieldManager: change.by });
  }
}
