/**
 * The contract between the simulated Kubernetes cluster (kube/) and everything that drives it
 * in-process (the fake Argo CD sync, scenario loading, the synthetic scale estate). The fake
 * Kubernetes HTTP API server is a thin REST layer over the same object.
 */

/** Any Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  [field: string]: unknown;
}

/**
 * How a container image behaves when the simulated kubelet "runs" it. Scenarios declare these;
 * the controllers derive pod status, logs and events from them.
 */
export interface ImageBehaviour {
  /** Image repository without tag, e.g. `registry.example.com/shop/checkout`. */
  repository: string;
  /** Tags that exist in the simulated registry. A missing tag yields ErrImagePull/ImagePullBackOff. */
  tags: string[];
  /** Env vars the process needs; a missing one crashes it (CrashLoopBackOff) with `crashLog`. */
  requiredEnv?: string[];
  /** Files the process reads at start (absolute paths inside the container); missing => crash. */
  requiredFiles?: string[];
  /** Port the process listens on (probes on another port fail). */
  listenPort?: number;
  /** Memory the process needs in MiB; a lower limit yields OOMKilled. */
  memoryMiB?: number;
  /** Log lines printed at start when healthy (and before crashing). */
  startupLog?: string[];
  /** Hosts (service DNS names with optional :port) the process calls once running. */
  calls?: string[];
  /**
   * Lines printed when it crashes on missing env/config (after startupLog). Optional: a
   * realistic default naming the missing variable or file is generated.
   */
  crashLog?: string[];
  /** How the registry answers for a tag that does not exist: `not-found` (default) or `manifest-unknown`. */
  missingTag?: 'not-found' | 'manifest-unknown';
  /** The registry is private: pods need `imagePullSecrets` naming this existing Secret, else 401. */
  pullSecret?: string;
  /** The process always exits with this code after `crashLog` (exec format error: 255, a bug: 1). */
  exitCode?: number;
  /** Memory grows by this much per minute from `memoryMiB` until the limit kills it (a leak). */
  memoryGrowthMiBPerMinute?: number;
  /** CPU the process burns (millicores); a lower limit throttles it and probes time out. */
  cpuMillicores?: number;
  /** The readiness endpoint answers 503 while any of `calls` fails (readiness tied to a dependency). */
  isReadyOnlyWithCalls?: boolean;
}

/** One Kyverno-style admission denial. */
export interface AdmissionDenial {
  policy: string;
  rule: string;
  message: string;
}

/** Thrown by apply() when an Enforce policy rejects the object (also on dry-run). */
export class AdmissionDeniedError extends Error {
  override readonly name = 'AdmissionDeniedError';
  readonly denials: AdmissionDenial[];
  readonly resource: string;
  constructor(resource: string, denials: AdmissionDenial[], message: string) {
    super(message);
    this.resource = resource;
    this.denials = denials;
  }
}

/** A Kubernetes API-style error (404 NotFound, 409 AlreadyExists, 422 Invalid, ...). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface ApplyOptions {
  /** Server-side dry run: run admission and validation, store nothing. */
  dryRun?: boolean;
  /**
   * Who writes (e.g. `argocd-controller`, `kubectl-edit`); recorded in `metadata.managedFields`
   * as the API server does. Without one nothing is recorded (in-process test writes).
   */
  fieldManager?: string;
  /** The managedFields operation: `Apply` for server-side apply, `Update` otherwise (default). */
  operation?: 'Apply' | 'Update';
  /** For `Apply`: the applied configuration, whose fields the manager then owns. */
  applied?: KubeObject;
  /** The subresource written through (e.g. `scale`), recorded on the managedFields entry. */
  subresource?: string;
}

export interface ApplyResult {
  object: KubeObject;
  created: boolean;
  changed: boolean;
}

/** One simulated cluster: object store + admission + controllers that derive status. */
export interface SimulatedCluster {
  readonly name: string;
  /**
   * Creates or replaces an object (kubectl apply semantics), running validation and admission
   * first, then re-deriving controller state. Throws AdmissionDeniedError or KubeApiError
   * (e.g. 404 `namespaces "paymnets" not found`).
   */
  apply(object: KubeObject, options?: ApplyOptions): ApplyResult;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Logs of a container, as `kubectl logs` would print them. */
  podLogs(namespace: string, pod: string, options?: { container?: string; previous?: boolean }): string;
  /** Subscribe to every object change (watch support, Argo CD live-state refresh). */
  subscribe(listener: (event: WatchEvent) => void): () => void;
  /**
   * Create (409 AlreadyExists if present) or update (404 if absent, 409 Conflict on a stale
   * resourceVersion) with REST semantics; apply() is the upsert. Used by the HTTP API server.
   */
  write?(object: KubeObject, options: ApplyOptions & { mode: 'create' | 'update' }): ApplyResult;
  /** Log lines with their timestamps (for sinceSeconds/timestamps/tailLines over HTTP). */
  podLogLines?(namespace: string, pod: string, options?: { container?: string; previous?: boolean }): PodLogLine[];
  /** The current resourceVersion of the whole cluster (list responses, watch resumption). */
  currentResourceVersion?(): string;
  /** Changes after a resourceVersion, or undefined when too old (watch answers 410 Gone). */
  changesSince?(resourceVersion: string): WatchEvent[] | undefined;
  /** The cluster's clock. */
  now?(): Date;
}

/** One log line of a container with the time it was written. */
export interface PodLogLine {
  time: Date;
  text: string;
}
