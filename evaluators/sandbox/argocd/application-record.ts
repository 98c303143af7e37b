import type { KubeObject } from '../kube/cluster-api.js';
import type { FieldDifference } from './compare.js';
import type { ResourceHealth } from './health.js';
import type {
  ApplicationCondition,
  ApplicationDefinition,
  ApplicationStatus,
  OperationState,
  ResourceStatus,
  RevisionHistory,
} from './types.js';

/** One desired resource compared with its live counterpart. */
export interface ComparedResource {
  target?: KubeObject;
  live?: KubeObject;
  differences: FieldDifference[];
  status: ResourceStatus;
  health?: ResourceHealth;
}

/** The result of one reconciliation of an app (what the controller caches between refreshes). */
export interface ComparisonResult {
  revision?: string;
  sourceType?: string;
  resources: ComparedResource[];
  status: Omit<ApplicationStatus, 'history' | 'operationState' | 'conditions' | 'controllerNamespace'>;
  conditions: ApplicationCondition[];
  /** Namespaces (cluster-scoped: '') whose changes invalidate this result. */
  watchedNamespaces: Set<string>;
}

/** An event Argo CD records on the Application object itself. */
export interface ApplicationEventRecord {
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  component: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  sequence: number;
}

/** A live object the app applied, kept to find resources that require pruning. */
export interface AppliedResource {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Everything the fake controller keeps about one Application. */
export interface ApplicationRecord {
  definition: ApplicationDefinition;
  uid: string;
  createdAt: string;
  generation: number;
  resourceVersion: number;
  history: RevisionHistory[];
  operationState?: OperationState;
  applied: Map<string, AppliedResource>;
  comparison?: ComparisonResult;
  isDirty: boolean;
  /** When `comparison` was computed (sandbox clock, ms). */
  comparedAt: number;
  events: ApplicationEventRecord[];
  /** Last reported sync and health codes, to emit "Updated ... status" events on change. */
  reported?: { sync: string; health: string; healthSince: string };
  /** Revision of the last automated sync attempt (Argo CD tries each revision once). */
  lastAutoSyncRevision?: string;
  /** Serialises syncs and refreshes of this app. */
  lock: Promise<unknown>;
}

/** True when the app syncs on its own (automated and not switched off). */
export function isAutomated(definition: ApplicationDefinition): boolean {
  const automated = definition.syncPolicy?.automated;
  return automated !== undefined && automated.enabled !== false;
}
