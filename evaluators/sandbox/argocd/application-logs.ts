import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import type { ComparisonResult } from './application-record.js';
import { podsOfWorkload } from './live-objects.js';

/** Query parameters of `GET /api/v1/applications/{name}/logs` (and `/pods/{pod}/logs`). */
export interface LogQuery {
  namespace?: string;
  podName?: string;
  container?: string;
  kind?: string;
  group?: string;
  resourceName?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  filter?: string;
  matchCase?: boolean;
}

/** One `applicationLogEntry`. */
export interface LogEntry {
  content: string;
  podName: string;
  timeStamp: string;
  timeStampStr: string;
  last: boolean;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\s(.*)$/;

/** Pods of the app that the query selects (all the app's pods when no resource is named). */
export function selectPods(
  comparison: ComparisonResult | undefined,
  cluster: SimulatedCluster,
  query: LogQuery,
): KubeObject[] {
  const managed = (comparison?.resources ?? [])
    .map((resource) => resource.live)
    .filter((live): live is KubeObject => live !== undefined);
  const appPods = new Map<string, KubeObject>();
  for (const live of managed) {
    if (live.kind === 'Pod') appPods.set(`${live.metadata.namespace ?? ''}/${live.metadata.name}`, live);
    for (const pod of podsOfWorkload(cluster, live))
      appPods.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, pod);
  }
  const inNamespace = (pod: KubeObject): boolean => !query.namespace || pod.metadata.namespace === query.namespace;
  if (query.podName)
    return [...appPods.values()].filter((pod) => pod.metadata.name === query.podName && inNamespace(pod));
  if (query.kind && query.resourceName) {
    if (query.kind === 'Pod')
      return [...appPods.values()].filter((pod) => pod.metadata.name === query.resourceName && inNamespace(pod));
    const workload = managed.find(
      (live) => live.kind === query.kind && live.metadata.name === query.resourceName && inNamespace(live),
    );
    if (workload) return podsOfWorkload(cluster, workload);
    // A ReplicaSet is not managed directly; find it among the owners of the app's pods.
    return [...appPods.values()].filter(
      (pod) =>
        inNamespace(pod) &&
        (pod.metadata.ownerReferences ?? []).some(
          (owner) => owner.kind === query.kind && owner.name === query.resourceName,
        ),
    );
  }
  return [...appPods.values()].filter(inNamespace);
}

/**
 * Log entries of the selected pods, as Argo CD streams them (newest `tailLines` per pod, filtered
 * by substring), ending with a `last: true` marker entry.
 */
export function collectLogs(
  cluster: SimulatedCluster,
  pods: readonly KubeObject[],
  query: LogQuery,
  now: Date,
): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const pod of pods) {
    const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map(
      (container) => container.name,
    );
    const container = query.container && containers.includes(query.container) ? query.container : containers[0];
    let lines: Array<{ time?: Date; text: string }>;
    const options = { ...(container ? { container } : {}), ...(query.previous ? { previous: true } : {}) };
    try {
      lines = cluster.podLogLines
        ? cluster.podLogLines(pod.metadata.namespace ?? '', pod.metadata.name, options)
        : cluster
            .podLogs(pod.metadata.namespace ?? '', pod.metadata.name, options)
            .split('\n')
            .filter((line) => line.length > 0)
            .map((line) => {
              const match = TIMESTAMP.exec(line);
              return match ? { time: new Date(match[1] ?? ''), text: match[2] ?? '' } : { text: line };
            });
    } catch {
      continue; // e.g. no previous container yet: Argo CD skips the pod's stream
    }
    if (query.filter) {
      const needle = query.matchCase ? query.filter : query.filter.toLowerCase();
      lines = lines.filter((line) => (query.matchCase ? line.text : line.text.toLowerCase()).includes(needle));
    }
    if (query.sinceSeconds !== undefined) {
      const since = now.getTime() - query.sinceSeconds * 1000;
      lines = lines.filter((line) => !line.time || line.time.getTime() >= since);
    }
    if (query.tailLines !== undefined && query.tailLines > 0) lines = lines.slice(-query.tailLines);
    for (const line of lines) {
      const stamp = (line.time ?? now).toISOString();
      entries.push({
        content: line.text,
        podName: pod.metadata.name,
        timeStamp: stamp,
        timeStampStr: stamp,
        last: false,
      });
    }
  }
  const at = now.toISOString();
  entries.push({ content: '', podName: '', timeStamp: at, timeStampStr: at, last: true });
  return entries;
}
