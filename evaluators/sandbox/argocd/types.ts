/**
 * The Argo CD API shapes the fake server returns (subset of v1alpha1 in
 * shared/specs/argocd-swagger.json). Times are RFC 3339 strings like the real API.
 */

export interface ApplicationSource {
  repoURL: string;
  path: string;
  targetRevision: string;
  /** A Helm chart in `path`: values files, inline values and parameters (Argo CD's precedence). */
  helm?: HelmSource;
}

/** `spec.source.helm` as far as the sandbox renders it. */
export interface HelmSource {
  valueFiles?: string[];
  values?: string;
  valuesObject?: Record<string, unknown>;
  parameters?: Array<{ name: string; value: string }>;
}

export interface ApplicationDestination {
  name?: string;
  server?: string;
  namespace: string;
}

export interface SyncPolicy {
  automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean };
  syncOptions?: string[];
}

/** What a scenario or the synthetic estate declares about one Argo CD Application. */
export interface ApplicationDefinition {
  name: string;
  project: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  source: ApplicationSource;
  destination: ApplicationDestination;
  syncPolicy?: SyncPolicy;
}

export interface HealthStatus {
  status: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'OutOfSync' | 'Unknown';
  health?: HealthStatus;
  requiresPruning?: boolean;
}

export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';
  message: string;
  hookPhase: 'Succeeded' | 'Failed' | 'Running';
  syncPhase: 'Sync' | 'PreSync' | 'PostSync';
  images?: string[];
}

export interface OperationInitiator {
  username?: string;
  automated?: boolean;
}

export interface SyncOperation {
  revision: string;
  prune?: boolean;
  dryRun?: boolean;
  syncOptions?: string[];
  syncStrategy?: { hook?: Record<string, never> };
  source?: ApplicationSource;
}

export interface Operation {
  sync: SyncOperation;
  initiatedBy: OperationInitiator;
  retry: Record<string, never>;
}

export interface OperationState {
  operation: Operation;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error';
  message: string;
  syncResult?: { resources: ResourceResult[]; revision: string; source: ApplicationSource };
  startedAt: string;
  finishedAt?: string;
}

export interface RevisionHistory {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt: string;
  source: ApplicationSource;
  initiatedBy: OperationInitiator;
}

export interface ApplicationCondition {
  type: string;
  message: string;
  lastTransitionTime: string;
}

export interface ApplicationStatus {
  resources: ResourceStatus[];
  sync: {
    status: 'Synced' | 'OutOfSync' | 'Unknown';
    comparedTo: { source: ApplicationSource; destination: ApplicationDestination };
    revision?: string;
  };
  health: { status: string; lastTransitionTime?: string };
  history?: RevisionHistory[];
  conditions?: ApplicationCondition[];
  reconciledAt: string;
  observedAt?: string;
  operationState?: OperationState;
  sourceType?: string;
  summary: { images?: string[]; externalURLs?: string[] };
  controllerNamespace: string;
}

export interface Application {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    project: string;
    source: ApplicationSource;
    destination: ApplicationDestination;
    syncPolicy?: SyncPolicy;
  };
  status: ApplicationStatus;
  operation?: Operation;
}
