import { AdmissionDeniedError, KubeApiError, type KubeObject, type SimulatedCluster } from '../kube/cluster-api.js';
import type { ApplicationRecord } from './application-record.js';
import { resourceKey, splitApiVersion } from './compare.js';
import { prepareTargets, sortForSync, type CompareContext } from './compare-application.js';
import { imagesOf } from './live-objects.js';
import type {
  ApplicationSource,
  OperationInitiator,
  OperationState,
  ResourceResult,
  RevisionHistory,
} from './types.js';

/** A sync as the API or the auto-sync loop requests it. */
export interface SyncRequest {
  revision?: string;
  dryRun?: boolean;
  prune?: boolean;
  syncOptions?: string[];
  initiatedBy: OperationInitiator;
  /** Source to sync (rollback syncs the source recorded in history). */
  source?: ApplicationSource;
}

/** Argo CD keeps this many history entries by default (`revisionHistoryLimit`). */
const HISTORY_LIMIT = 10;

/** `deployment.apps/checkout`, `service/checkout`: how kubectl and Argo CD name resources. */
export function kubectlReference(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const { group } = splitApiVersion(object.apiVersion);
  return `${object.kind.toLowerCase()}${group ? `.${group}` : ''}/${object.metadata.name}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function result(
  object: KubeObject,
  status: ResourceResult['status'],
  message: string,
  hookPhase: ResourceResult['hookPhase'],
): ResourceResult {
  const { group, version } = splitApiVersion(object.apiVersion);
  const images = imagesOf(object);
  return {
    group,
    version,
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    status,
    message,
    hookPhase,
    syncPhase: 'Sync',
    ...(images.length > 0 ? { images } : {}),
  };
}

function ensureNamespace(cluster: SimulatedCluster, namespace: string): void {
  if (cluster.get('v1', 'Namespace', undefined, namespace)) return;
  cluster.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'argocd-controller' },
  );
}

/**
 * Runs one sync operation the way Argo CD's controller does: render the revision, validate every
 * task (a missing namespace fails the whole operation before anything is applied), apply in kind
 * order with the `argocd-controller` field manager (admission denials fail their resource), prune
 * when asked, and record history on success. Mutates `record` and returns the operation state.
 */
export async function runSync(
  record: ApplicationRecord,
  request: SyncRequest,
  context: CompareContext,
): Promise<OperationState> {
  const { definition } = record;
  const source = request.source ?? definition.source;
  const startedAt = context.now().toISOString();
  const syncOptions = request.syncOptions ?? definition.syncPolicy?.syncOptions;
  const prune = request.prune ?? definition.syncPolicy?.automated?.prune ?? false;
  const operation = {
    sync: {
      revision: request.revision ?? source.targetRevision,
      ...(request.prune !== undefined ? { prune: request.prune } : {}),
      ...(request.dryRun ? { dryRun: true } : {}),
      ...(syncOptions && syncOptions.length > 0 ? { syncOptions } : {}),
      syncStrategy: { hook: {} },
      ...(request.source ? { source: request.source } : {}),
    },
    initiatedBy: request.initiatedBy,
    retry: {},
  };
  const finish = (
    phase: OperationState['phase'],
    message: string,
    resources: ResourceResult[],
    revision: string,
  ): OperationState => ({
    operation,
    phase,
    message,
    syncResult: { resources, revision, source },
    startedAt,
    finishedAt: context.now().toISOString(),
  });

  const cluster = context.cluster(definition.destination.name ?? definition.destination.server ?? '');
  if (!cluster) {
    return {
      operation,
      phase: 'Error',
      message: `there are no clusters with this name: ${definition.destination.name ?? ''}`,
      startedAt,
      finishedAt: startedAt,
    };
  }
  const downServer = context.unreachableServer?.(definition.destination.name ?? definition.destination.server ?? '');
  if (downServer) {
    return {
      operation,
      phase: 'Error',
      message: `failed to sync cluster ${downServer}: dial tcp ${downServer.replace(/^https?:\/\//, '')}: i/o timeout`,
      startedAt,
      finishedAt: context.now().toISOString(),
    };
  }
  let revision: string;
  let targets: KubeObject[];
  try {
    const rendered = await context.render(request.revision ?? source.targetRevision, source.path, source.helm);
    revision = rendered.revision;
    targets = sortForSync(prepareTargets(definition.name, definition.destination.namespace, rendered.objects));
  } catch (error) {
    return {
      operation,
      phase: 'Error',
      message:
        `ComparisonError: Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: ` +
        `code = Unknown desc = ${errorText(error)}`,
      startedAt,
      finishedAt: context.now().toISOString(),
    };
  }
  operation.sync.revision = revision;

  if (!request.dryRun && syncOptions?.includes('CreateNamespace=true'))
    ensureNamespace(cluster, definition.destination.namespace);

  // Validation (dry run): errors here mean no task runs at all.
  const invalid: ResourceResult[] = [];
  for (const target of targets) {
    try {
      cluster.apply(target, { dryRun: true, fieldManager: 'argocd-controller' });
    } catch (error) {
      if (error instanceof AdmissionDeniedError) continue; // webhooks run at apply time, like client-side dry run
      invalid.push(result(target, 'SyncFailed', errorText(error), 'Failed'));
    }
  }
  if (invalid.length > 0) return finish('Failed', 'one or more synchronization tasks are not valid', invalid, revision);

  const results: ResourceResult[] = [];
  const failures: string[] = [];
  const targetKeys = new Set(targets.map(resourceKey));
  for (const target of targets) {
    const exists =
      cluster.get(target.apiVersion, target.kind, target.metadata.namespace, target.metadata.name) !== undefined;
    if (request.dryRun) {
      results.push(
        result(
          target,
          'Synced',
          `${kubectlReference(target)} ${exists ? 'configured' : 'created'} (dry run)`,
          'Running',
        ),
      );
      continue;
    }
    try {
      const applied = cluster.apply(target, { fieldManager: 'argocd-controller' });
      const verb = applied.created ? 'created' : applied.changed ? 'configured' : 'unchanged';
      record.applied.set(resourceKey(target), {
        apiVersion: target.apiVersion,
        kind: target.kind,
        ...(target.metadata.namespace ? { namespace: target.metadata.namespace } : {}),
        name: target.metadata.name,
      });
      results.push(result(target, 'Synced', `${kubectlReference(target)} ${verb}`, 'Running'));
    } catch (error) {
      if (!(error instanceof AdmissionDeniedError) && !(error instanceof KubeApiError)) throw error;
      failures.push(errorText(error));
      results.push(result(target, 'SyncFailed', errorText(error), 'Failed'));
    }
  }

  for (const [key, applied] of [...record.applied]) {
    if (targetKeys.has(key)) continue;
    const live = cluster.get(applied.apiVersion, applied.kind, applied.namespace, applied.name);
    if (!live) {
      record.applied.delete(key);
      continue;
    }
    if (!prune) {
      results.push(result(live, 'PruneSkipped', 'ignored (requires pruning)', 'Succeeded'));
      continue;
    }
    if (!request.dryRun) {
      cluster.delete(applied.apiVersion, applied.kind, applied.namespace, applied.name);
      record.applied.delete(key);
    }
    results.push(result(live, 'Pruned', request.dryRun ? 'pruned (dry run)' : 'pruned', 'Succeeded'));
  }

  if (failures.length > 0)
    return finish('Failed', `one or more objects failed to apply, reason: ${failures.join(',')}`, results, revision);
  const state = finish('Succeeded', 'successfully synced (all tasks run)', results, revision);
  if (!request.dryRun) {
    const entry: RevisionHistory = {
      id: (record.history.at(-1)?.id ?? -1) + 1,
      revision,
      deployStartedAt: startedAt,
      deployedAt: state.finishedAt ?? startedAt,
      source,
      initiatedBy: request.initiatedBy,
    };
    record.history = [...record.history, entry].slice(-HISTORY_LIMIT);
  }
  return state;
}
