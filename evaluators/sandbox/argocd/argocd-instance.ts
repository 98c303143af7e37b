import { createHash } from 'node:crypto';
import type { KubeObject, SimulatedCluster } from '../kube/cluster-api.js';
import type { GitRepo } from '../git/git-repo.js';
import { recordApplicationEvent } from './application-events.js';
import { type ApplicationRecord, type ComparisonResult, isAutomated } from './application-record.js';
import { applicationView } from './application-view.js';
import { adoptDeployment } from './adopt-deployment.js';
import { ArgoApiError, GrpcCode, applicationNotFound } from './argocd-errors.js';
import { compareApplication, type CompareContext } from './compare-application.js';
import { createManifestRenderer, type RenderedSource } from './render-manifests.js';
import type { SyncRequest } from './sync-operation.js';
import { syncWithEvents } from './sync-with-events.js';
import type { Application, ApplicationDefinition, HelmSource, OperationState } from './types.js';

/** A cluster an Argo CD instance deploys to. */
export interface RegisteredCluster {
  name: string;
  server: string;
  cluster: SimulatedCluster;
  /** The cluster's API does not answer (`sandbox up --down CLUSTER`). */
  isUnreachable?: boolean;
}

export interface ArgoInstanceOptions {
  /** Instance name, e.g. `argocd-eu-1`. */
  name: string;
  repo: GitRepo;
  clusters: readonly RegisteredCluster[];
  /** Namespace the Application objects live in. */
  controllerNamespace?: string;
  now?: () => Date;
  /** Shared renderer (so many instances over one repo render each path once). */
  render?: (revision: string, path: string) => Promise<RenderedSource>;
  /** Delay before background refreshes (auto-sync, self-heal) run. */
  refreshDelayMs?: number;
  /** Queue background refreshes until resume() (while a scenario's history is replayed). */
  isPaused?: boolean;
}

/** In-process state of one fake Argo CD: applications, their comparisons, syncs and history. */
export interface ArgoInstance {
  readonly name: string;
  readonly controllerNamespace: string;
  readonly clusters: readonly RegisteredCluster[];
  readonly repo: GitRepo;
  readonly now: () => Date;
  readonly render: (revision: string, path: string, helm?: HelmSource) => Promise<RenderedSource>;
  addApplication(definition: ApplicationDefinition, createdAt?: Date): void;
  /** Application names in creation order. */
  names(): string[];
  record(name: string): ApplicationRecord;
  /** The app as `GET /api/v1/applications/{name}` returns it (re-compared when stale or refresh). */
  application(name: string, refresh?: boolean): Promise<Application>;
  comparison(name: string): Promise<ComparisonResult>;
  clusterOf(name: string): SimulatedCluster | undefined;
  sync(name: string, request: SyncRequest): Promise<Application>;
  rollback(name: string, id: number, dryRun?: boolean): Promise<Application>;
  /**
   * Marks an app as deployed at `revision` without applying anything (the caller bulk-loads the
   * objects): used by the synthetic scale estate. Returns the objects to load.
   */
  adoptDeployment(name: string, revision: string, deployedAt: Date): Promise<KubeObject[]>;
  /** Waits until background refreshes scheduled so far have run. */
  settle(): Promise<void>;
  /** Starts background refreshes (auto-sync on new commits, self-heal on drift). */
  resume(): void;
  /** Stops auto-sync and self-heal until `resume()` (a scratch sync must not be undone meanwhile). */
  pause(): void;
  close(): void;
}

/** How long a comparison stays valid without a watch event or commit (sandbox clock). */
const COMPARISON_TTL_MS = 2_000;

function stableUid(input: string): string {
  const hex = createHash('sha1').update(input).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Creates one fake Argo CD instance over the shared git repo and simulated clusters. */
export function createArgoInstance(options: ArgoInstanceOptions): ArgoInstance {
  const now = options.now ?? (() => new Date());
  const controllerNamespace = options.controllerNamespace ?? 'argocd';
  const render = options.render ?? createManifestRenderer(options.repo);
  const records = new Map<string, ApplicationRecord>();
  const clustersByName = new Map(options.clusters.map((entry) => [entry.name, entry]));
  const clustersByServer = new Map(options.clusters.map((entry) => [entry.server, entry]));
  const context: CompareContext = {
    now,
    render,
    cluster: (destination) => (clustersByName.get(destination) ?? clustersByServer.get(destination))?.cluster,
    unreachableServer: (destination) => {
      const entry = clustersByName.get(destination) ?? clustersByServer.get(destination);
      return entry?.isUnreachable ? entry.server : undefined;
    },
  };
  const pending = new Set<ApplicationRecord>();
  /** `cluster\0namespace` → apps whose last comparison looked there (change → stale). */
  const watchers = new Map<string, Set<ApplicationRecord>>();
  const destinationName = (record: ApplicationRecord): string =>
    record.definition.destination.name ?? record.definition.destination.server ?? '';
  const watch = (record: ApplicationRecord, previous: ComparisonResult | undefined, next: ComparisonResult): void => {
    const cluster = destinationName(record);
    for (const namespace of previous?.watchedNamespaces ?? []) watchers.get(`${cluster}\0${namespace}`)?.delete(record);
    for (const namespace of next.watchedNamespaces) {
      const key = `${cluster}\0${namespace}`;
      let set = watchers.get(key);
      if (!set) watchers.set(key, (set = new Set()));
      set.add(record);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let isClosed = false;
  let isPaused = options.isPaused ?? false;

  const withLock = <T>(record: ApplicationRecord, task: () => Promise<T>): Promise<T> => {
    const run = record.lock.then(task);
    record.lock = run.catch(() => undefined);
    return run;
  };

  const get = (name: string): ApplicationRecord => {
    const record = records.get(name);
    if (!record) throw applicationNotFound(name);
    return record;
  };

  const destinationCluster = (record: ApplicationRecord): SimulatedCluster | undefined =>
    context.cluster(destinationName(record));

  const syncNow = (record: ApplicationRecord, request: SyncRequest): Promise<OperationState> =>
    syncWithEvents(record, request, context);

  /** Re-compares the app if stale; emits status-change events; runs auto-sync / self-heal. */
  const refresh = async (record: ApplicationRecord, force = false): Promise<ComparisonResult> => {
    const at = now().getTime();
    // Pod state also moves with time alone (restarts, back-offs, deadlines): re-compare after a while.
    const isFresh = record.comparison !== undefined && at - record.comparedAt < COMPARISON_TTL_MS;
    if (!force && !record.isDirty && isFresh && record.comparison) return record.comparison;
    record.isDirty = false;
    record.comparedAt = at;
    let comparison = await compareApplication(record, context);
    const { definition } = record;
    const revision = comparison.revision;
    if (!isPaused && isAutomated(definition) && revision && comparison.status.sync.status === 'OutOfSync') {
      const lastSync = record.operationState;
      const isNewRevision = record.lastAutoSyncRevision !== revision;
      const canSelfHeal =
        definition.syncPolicy?.automated?.selfHeal === true &&
        lastSync?.phase === 'Succeeded' &&
        Date.parse(lastSync.finishedAt ?? '') < now().getTime() - 5_000;
      if (isNewRevision || canSelfHeal) {
        record.lastAutoSyncRevision = revision;
        await syncNow(record, { revision, initiatedBy: { automated: true } });
        record.isDirty = false;
        comparison = await compareApplication(record, context);
      }
    }
    const stamp = now().toISOString();
    const operation = record.operationState;
    if (
      isAutomated(definition) &&
      operation &&
      operation.phase !== 'Succeeded' &&
      operation.syncResult?.revision === comparison.revision &&
      record.lastAutoSyncRevision === comparison.revision
    ) {
      comparison.conditions.push({
        type: 'SyncError',
        message: `Failed last sync attempt to ${comparison.revision ?? ''}: ${operation.message}`,
        lastTransitionTime: stamp,
      });
    }
    const sync = comparison.status.sync.status;
    const health = comparison.status.health.status;
    const previous = record.reported;
    if (previous && previous.sync !== sync)
      recordApplicationEvent(
        record,
        { reason: 'ResourceUpdated', message: `Updated sync status: ${previous.sync} -> ${sync}` },
        now(),
      );
    if (previous && previous.health !== health)
      recordApplicationEvent(
        record,
        { reason: 'ResourceUpdated', message: `Updated health status: ${previous.health} -> ${health}` },
        now(),
      );
    record.reported = {
      sync,
      health,
      healthSince: previous && previous.health === health ? previous.healthSince : stamp,
    };
    if (!previous || previous.sync !== sync || previous.health !== health) record.resourceVersion += 1;
    watch(record, record.comparison, comparison);
    record.comparison = comparison;
    return comparison;
  };

  const schedule = (record: ApplicationRecord): void => {
    if (isClosed) return;
    pending.add(record);
    if (timer || isPaused) return;
    timer = setTimeout(() => {
      timer = undefined;
      const batch = [...pending];
      pending.clear();
      running = running.then(async () => {
        for (const item of batch) {
          if (isClosed) return;
          await withLock(item, () => refresh(item)).catch(() => undefined);
        }
      });
    }, options.refreshDelayMs ?? 50);
    timer.unref();
  };

  const unsubscribes = options.clusters.map((entry) =>
    entry.cluster.subscribe((event) => {
      const namespace = event.object.metadata.namespace ?? '';
      const affected = [
        ...(watchers.get(`${entry.name}\0${namespace}`) ?? []),
        ...(watchers.get(`${entry.server}\0${namespace}`) ?? []),
      ];
      for (const record of affected) {
        if (record.isDirty) continue;
        record.isDirty = true;
        if (record.definition.syncPolicy?.automated?.selfHeal) schedule(record);
      }
    }),
  );
  const stopCommits = options.repo.onCommit(() => {
    for (const record of records.values()) {
      record.isDirty = true;
      if (isAutomated(record.definition)) schedule(record);
    }
  });

  const view = async (record: ApplicationRecord, force = false): Promise<Application> => {
    const comparison = await withLock(record, () => refresh(record, force));
    return applicationView(record, comparison, controllerNamespace);
  };

  return {
    name: options.name,
    controllerNamespace,
    clusters: options.clusters,
    repo: options.repo,
    now,
    render,
    addApplication: (definition, createdAt) => {
      if (records.has(definition.name))
        throw new Error(`${options.name}: application '${definition.name}' is declared twice`);
      records.set(definition.name, {
        definition,
        uid: stableUid(`${options.name}/${definition.name}`),
        createdAt: (createdAt ?? now()).toISOString(),
        generation: 1,
        resourceVersion: 1,
        history: [],
        applied: new Map(),
        isDirty: true,
        comparedAt: 0,
        events: [],
        lock: Promise.resolve(),
      });
    },
    names: () => [...records.keys()],
    record: get,
    application: (name, force) => view(get(name), force),
    comparison: (name) => {
      const record = get(name);
      return withLock(record, () => refresh(record));
    },
    clusterOf: (name) => destinationCluster(get(name)),
    sync: async (name, request) => {
      const record = get(name);
      await withLock(record, () => syncNow(record, request));
      return view(record);
    },
    rollback: async (name, id, dryRun) => {
      const record = get(name);
      if (isAutomated(record.definition)) {
        throw new ArgoApiError(
          400,
          GrpcCode.failedPrecondition,
          'rollback cannot be initiated when auto-sync is enabled',
        );
      }
      const entry = record.history.find((candidate) => candidate.id === id);
      if (!entry)
        throw new ArgoApiError(
          400,
          GrpcCode.invalidArgument,
          `application ${name} does not have deployment with id ${id}`,
        );
      await withLock(record, () =>
        syncNow(record, {
          revision: entry.revision,
          source: entry.source,
          initiatedBy: { username: 'admin' },
          ...(dryRun ? { dryRun } : {}),
        }),
      );
      return view(record);
    },
    adoptDeployment: (name, revision, deployedAt) => adoptDeployment(get(name), render, revision, deployedAt),
    pause: () => {
      isPaused = true;
    },
    resume: () => {
      isPaused = false;
      for (const record of records.values()) {
        if (isAutomated(record.definition)) pending.add(record);
      }
      const first = pending.values().next();
      if (!first.done) {
        pending.delete(first.value);
        schedule(first.value);
      }
    },
    settle: async () => {
      while (timer || pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await running;
    },
    close: () => {
      isClosed = true;
      if (timer) clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      stopCommits();
    },
  };
}
