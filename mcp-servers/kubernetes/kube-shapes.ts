import type { KubeObject } from '../common/kube-types.js';

/** The parts of core/apps objects the tools read. Fields are optional because the API omits empties. */
export interface ContainerStateShape {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: {
    reason?: string;
    message?: string;
    exitCode?: number;
    signal?: number;
    finishedAt?: string;
    startedAt?: string;
  };
}

export interface ContainerStatusShape {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: ContainerStateShape;
  lastState?: ContainerStateShape;
}

export interface EnvFromShape {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface EnvVarShape {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface ContainerShape {
  name: string;
  image?: string;
  env?: EnvVarShape[];
  envFrom?: EnvFromShape[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  command?: string[];
  args?: string[];
  /** `Always` on an init container makes it a native sidecar. */
  restartPolicy?: string;
}

export interface VolumeShape {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
  persistentVolumeClaim?: { claimName: string };
  projected?: {
    sources?: Array<{
      configMap?: { name: string; optional?: boolean };
      secret?: { name: string; optional?: boolean };
    }>;
  };
}

export interface PodSpecShape {
  containers?: ContainerShape[];
  initContainers?: ContainerShape[];
  volumes?: VolumeShape[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  serviceAccountName?: string;
  imagePullSecrets?: Array<{ name: string }>;
}

export interface ConditionShape {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface PodShape extends KubeObject {
  spec?: PodSpecShape;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: ConditionShape[];
    containerStatuses?: ContainerStatusShape[];
    initContainerStatuses?: ContainerStatusShape[];
    startTime?: string;
  };
}

export interface LabelSelectorShape {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface WorkloadShape extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelectorShape;
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: PodSpecShape;
    };
    paused?: boolean;
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    currentReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberUnavailable?: number;
    updatedNumberScheduled?: number;
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: ConditionShape[];
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface EventShape extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string; fieldPath?: string };
  regarding?: { kind?: string; name?: string; namespace?: string };
  note?: string;
  source?: { component?: string };
  reportingComponent?: string;
}

export interface ServiceShape extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }>;
  };
}

export interface EndpointsShape extends KubeObject {
  subsets?: Array<{
    addresses?: Array<{ ip: string; targetRef?: { kind?: string; name?: string } }>;
    notReadyAddresses?: Array<{ ip: string; targetRef?: { kind?: string; name?: string } }>;
    ports?: Array<{ name?: string; port: number; protocol?: string }>;
  }>;
}

/** Renders a label selector as the API's `labelSelector` query string. */
export function selectorToQuery(selector: LabelSelectorShape | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** True when `labels` satisfy the equality part of a selector (matchLabels / Service selector). */
export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
