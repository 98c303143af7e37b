/** The parts of Argo CD API objects (v3 REST, see shared/specs/argocd-swagger.json) the tools read. */

export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  helm?: { valueFiles?: string[]; parameters?: Array<{ name: string; value: string }> };
  kustomize?: { images?: string[] };
}

export interface SyncResultResource {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  status?: string;
  message?: string;
  hookPhase?: string;
  syncPhase?: string;
}

export interface RevisionHistory {
  id?: number | string;
  revision?: string;
  deployedAt?: string;
  deployStartedAt?: string;
  source?: ApplicationSource;
  initiatedBy?: { username?: string; automated?: boolean };
}

export interface ApplicationResourceStatus {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  health?: { status?: string; message?: string };
  requiresPruning?: boolean;
  hook?: boolean;
}

export interface Application {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec?: {
    project?: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } | null; syncOptions?: string[] };
  };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[]; comparedTo?: { source?: ApplicationSource } };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      retryCount?: number;
      operation?: {
        sync?: { revision?: string; dryRun?: boolean };
        initiatedBy?: { username?: string; automated?: boolean };
      };
      syncResult?: { revision?: string; resources?: SyncResultResource[] };
    };
    conditions?: Array<{ type?: string; message?: string; lastTransitionTime?: string }>;
    history?: RevisionHistory[];
    resources?: ApplicationResourceStatus[];
    summary?: { images?: string[]; externalURLs?: string[] };
    reconciledAt?: string;
  };
}

export interface ResourceNode {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  parentRefs?: Array<{ group?: string; kind?: string; namespace?: string; name?: string; uid?: string }>;
  health?: { status?: string; message?: string };
  info?: Array<{ name?: string; value?: string }>;
  images?: string[];
  createdAt?: string;
}

export interface ResourceTree {
  nodes?: ResourceNode[];
  orphanedNodes?: ResourceNode[];
}

export interface ResourceDiff {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** JSON strings, as the API serves them. */
  targetState?: string;
  liveState?: string;
  normalizedLiveState?: string;
  predictedLiveState?: string;
  diff?: string;
  hook?: boolean;
  modified?: boolean;
}

export interface ArgoEvent {
  metadata?: { name?: string; creationTimestamp?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  source?: { component?: string };
}

export interface LogEntry {
  content?: string;
  podName?: string;
  timeStamp?: string;
  timeStampStr?: string;
  last?: boolean;
}

export interface RevisionMetadata {
  author?: string;
  date?: string;
  message?: string;
  tags?: string[];
}

/** The primary source of an application (first of `sources` for multi-source apps). */
export function primarySource(app: Application): ApplicationSource | undefined {
  return app.spec?.source ?? app.spec?.sources?.[0];
}
