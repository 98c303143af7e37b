import type { ArgoInstance } from './argocd-instance.js';
import { ArgoApiError, GrpcCode } from './argocd-errors.js';
import { formatDifferences } from './compare.js';
import { prepareTargets } from './compare-application.js';
import { parseLabelSelector } from './label-selector.js';
import type { Application } from './types.js';

/** Filters of `GET /api/v1/applications`. */
export interface ApplicationQuery {
  name?: string;
  projects?: string[];
  selector?: string;
  repo?: string;
  appNamespace?: string;
  /** Substring of the name (accepted by the argocd-mcp client). */
  search?: string;
  refresh?: boolean;
}

/** `v1alpha1ApplicationList` of an instance, filtered like Argo CD filters it. */
export async function listApplications(
  instance: ArgoInstance,
  query: ApplicationQuery,
): Promise<{ metadata: { resourceVersion: string }; items: Application[] }> {
  let matches: (labels: Readonly<Record<string, string>>) => boolean = () => true;
  if (query.selector) {
    try {
      matches = parseLabelSelector(query.selector);
    } catch (error) {
      throw new ArgoApiError(400, GrpcCode.invalidArgument, error instanceof Error ? error.message : String(error));
    }
  }
  const items: Application[] = [];
  let resourceVersion = 0;
  for (const name of instance.names()) {
    const { definition } = instance.record(name);
    if (query.name && definition.name !== query.name) continue;
    if (query.search && !definition.name.includes(query.search)) continue;
    if (query.projects && query.projects.length > 0 && !query.projects.includes(definition.project)) continue;
    if (query.repo && definition.source.repoURL.replace(/\.git$/, '') !== query.repo.replace(/\.git$/, '')) continue;
    if (query.appNamespace && query.appNamespace !== instance.controllerNamespace) continue;
    if (!matches(definition.labels ?? {})) continue;
    const app = await instance.application(name, query.refresh);
    resourceVersion = Math.max(resourceVersion, Number(app.metadata.resourceVersion));
    items.push(app);
  }
  return { metadata: { resourceVersion: String(resourceVersion) }, items };
}

/** Filters of `GET .../managed-resources`. */
export interface ManagedResourceFilter {
  namespace?: string;
  name?: string;
  version?: string;
  group?: string;
  kind?: string;
}

/**
 * `applicationManagedResourcesResponse`: target and live state of each managed resource as
 * JSON strings (`"null"` when absent), whether it is modified, and a field-level diff.
 */
export async function managedResources(
  instance: ArgoInstance,
  name: string,
  filter: ManagedResourceFilter,
): Promise<{ items: unknown[] }> {
  const comparison = await instance.comparison(name);
  const items = comparison.resources
    .filter(
      (resource) =>
        (!filter.kind || resource.status.kind === filter.kind) &&
        (!filter.namespace || resource.status.namespace === filter.namespace) &&
        (!filter.name || resource.status.name === filter.name) &&
        (!filter.group || resource.status.group === filter.group) &&
        (!filter.version || resource.status.version === filter.version),
    )
    .map((resource) => {
      const live = resource.live ? JSON.stringify(resource.live) : 'null';
      const target = resource.target ? JSON.stringify(resource.target) : 'null';
      const modified = resource.status.status === 'OutOfSync';
      const diff = resource.live && resource.target ? formatDifferences(resource.differences) : '';
      return {
        group: resource.status.group,
        kind: resource.status.kind,
        namespace: resource.status.namespace,
        name: resource.status.name,
        targetState: target,
        liveState: live,
        normalizedLiveState: live,
        predictedLiveState: resource.target ? target : live,
        diff,
        hook: false,
        modified,
        resourceVersion: resource.live?.metadata.resourceVersion ?? '',
      };
    });
  return { items };
}

/** `repositoryManifestResponse`: the rendered manifests (JSON strings) at a revision. */
export async function applicationManifests(instance: ArgoInstance, name: string, revision?: string): Promise<unknown> {
  const { definition } = instance.record(name);
  let rendered;
  try {
    rendered = await instance.render(
      revision || definition.source.targetRevision,
      definition.source.path,
      definition.source.helm,
    );
  } catch (error) {
    throw new ArgoApiError(
      500,
      2,
      `failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const targets = prepareTargets(definition.name, definition.destination.namespace, rendered.objects);
  return {
    manifests: targets.map((object) => JSON.stringify(object)),
    namespace: definition.destination.namespace,
    server:
      instance.clusters.find((cluster) => cluster.name === definition.destination.name)?.server ??
      definition.destination.server ??
      '',
    revision: rendered.revision,
    sourceType: rendered.sourceType,
  };
}

/** `v1alpha1RevisionMetadata` from the git commit. */
export async function revisionMetadata(instance: ArgoInstance, name: string, revision: string): Promise<unknown> {
  instance.record(name);
  try {
    const commit = await instance.repo.show(revision);
    return { author: commit.author, date: commit.date.toISOString(), message: commit.message };
  } catch {
    throw new ArgoApiError(
      404,
      GrpcCode.notFound,
      `rpc error: code = NotFound desc = unable to resolve git revision ${revision}: revision not found`,
    );
  }
}

/** `v1alpha1ClusterList` with connection state and app counts. */
export function clusterList(instances: ArgoInstance): { metadata: Record<string, never>; items: unknown[] } {
  const at = instances.now().toISOString();
  const counts = new Map<string, number>();
  for (const name of instances.names()) {
    const destination = instances.record(name).definition.destination.name ?? '';
    counts.set(destination, (counts.get(destination) ?? 0) + 1);
  }
  return {
    metadata: {},
    items: instances.clusters.map((entry) => {
      const connectionState = entry.isUnreachable
        ? {
            status: 'Failed',
            message:
              `failed to sync cluster ${entry.server}: dial tcp ${entry.server.replace(/^https?:\/\//, '')}: i/o ` +
              `timeout`,
            attemptedAt: at,
          }
        : { status: 'Successful', message: '', attemptedAt: at };
      return {
        server: entry.server,
        name: entry.name,
        config: { tlsClientConfig: { insecure: false } },
        connectionState,
        serverVersion: '1.32',
        info: {
          connectionState,
          serverVersion: '1.32',
          cacheInfo: { resourcesCount: 0, apisCount: 0, lastCacheSyncTime: at },
          applicationsCount: counts.get(entry.name) ?? 0,
        },
      };
    }),
  };
}

/** The AppProjects apps refer to (plus `default`), permissive like a fresh install. */
export function projectList(instance: ArgoInstance): {
  metadata: Record<string, never>;
  items: Array<{ metadata: { name: string; namespace: string }; spec: unknown; status: Record<string, never> }>;
} {
  const names = new Set(['default', ...instance.names().map((name) => instance.record(name).definition.project)]);
  return {
    metadata: {},
    items: [...names].sort().map((project) => ({
      metadata: { name: project, namespace: instance.controllerNamespace },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
      status: {},
    })),
  };
}
