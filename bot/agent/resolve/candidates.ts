import type { ReadResult } from '../tool-results/read-result.js';

/** An Argo CD application a look-up found. */
export interface AppCandidate {
  name: string;
  instance: string;
  namespace?: string;
  health?: string;
  sync?: string;
  operationPhase?: string;
}

/** A workload a look-up found. */
export interface WorkloadCandidate {
  kind: string;
  name: string;
  namespace: string;
  cluster: string;
  isHealthy: boolean;
}

/** Synced and Healthy. */
export const isAppHealthy = (app: AppCandidate): boolean => app.health === 'Healthy' && app.sync === 'Synced';

/** The apps of a list_applications answer, each tagged with the instance that has it. */
export function appsOf(read: ReadResult<'list_applications'>): AppCandidate[] {
  return read.answers.flatMap(({ instance, data }) =>
    data.applications.map((app) => ({
      name: app.name,
      instance,
      ...(app.destinationNamespace ? { namespace: app.destinationNamespace } : {}),
      ...(app.health ? { health: app.health } : {}),
      ...(app.sync ? { sync: app.sync } : {}),
      ...(app.operationPhase ? { operationPhase: app.operationPhase } : {}),
    })),
  );
}

/** The workloads of a find_workloads answer, each tagged with its cluster. */
export function workloadsOf(read: ReadResult<'find_workloads'>): WorkloadCandidate[] {
  return read.answers.flatMap(({ instance, data }) =>
    data.workloads.map((workload) => ({
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      cluster: instance,
      isHealthy: workload.isHealthy !== false,
    })),
  );
}

/** Narrows candidates filter by filter, skipping a filter that would leave none. */
export function narrow<T>(candidates: T[], filters: Array<(candidate: T) => boolean>): T[] {
  let current = candidates;
  for (const filter of filters) {
    const kept = current.filter(filter);
    if (kept.length > 0) current = kept;
  }
  return current;
}

/** How bad an app's state is: missing or degraded first, then out of sync, then progressing. */
export function appSeverity(app: AppCandidate): number {
  const health = { Missing: 4, Degraded: 4, Unknown: 2, Progressing: 1 }[app.health ?? ''] ?? 0;
  const operation = app.operationPhase === 'Failed' || app.operationPhase === 'Error' ? 3 : 0;
  return health + (app.sync === 'OutOfSync' ? 2 : 0) + operation;
}

/** `Deployment shop/checkout` (a policy result's resource) → its namespace; undefined when cluster-scoped. */
export function namespaceOfResource(resource: string): string | undefined {
  const [, qualified] = resource.split(' ');
  const slash = qualified?.indexOf('/') ?? -1;
  return qualified && slash > 0 ? qualified.slice(0, slash) : undefined;
}

/** `app (Degraded, OutOfSync)` style note of an app not chosen. */
export function describeApp(app: AppCandidate): string {
  return `${app.instance}/${app.name} (${app.health ?? 'unknown'}, ${app.sync ?? 'unknown'})`;
}
