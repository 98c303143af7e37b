import { z } from 'zod';
import { eventGroupShape, eventGroupsResult, ownersShape } from './common-shapes.js';

/** The result shapes of the Kubernetes server's read tools, as far as the pipeline reads them. */

/** `find_workloads`: workloads whose name contains a fragment. */
export const findWorkloadsResult = z.object({
  workloads: z.array(
    z.object({ kind: z.string(), namespace: z.string(), name: z.string(), isHealthy: z.boolean().optional() }),
  ),
  total: z.number().optional(),
});

/** `list_resources`: one row per object. */
export const listResourcesResult = z.object({
  kind: z.string().optional(),
  items: z.array(
    z.object({
      name: z.string(),
      namespace: z.string().optional(),
      isHealthy: z.boolean().optional(),
      /** Nodes' labels. */
      labels: z.record(z.string(), z.string()).optional(),
    }),
  ),
  total: z.number().optional(),
});

const containerSummary = z.object({
  name: z.string(),
  image: z.string().optional(),
  reason: z.string().optional(),
  ready: z.boolean().optional(),
  restarts: z.number().default(0),
  /** `running`, `waiting: CrashLoopBackOff`, `terminated: OOMKilled (exit 137)`. */
  state: z.string(),
  lastTermination: z.string().optional(),
  message: z.string().optional(),
  exitCode: z.number().optional(),
  lastTerminationReason: z.string().optional(),
  lastExitCode: z.number().optional(),
  /** Command and arguments from the spec. */
  command: z.string().optional(),
  /** An init container that keeps running beside the app. */
  isSidecar: z.boolean().optional(),
});

/** Resource quantities by name; a bare number (`cpu: 2`) reads as its string. */
const quantities = z.record(z.string(), z.union([z.string(), z.number().transform(String)]));

/** One pod of a workload, reduced to what explains its health. */
export const podSummaryShape = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.string().optional(),
  restarts: z.number().default(0),
  node: z.string().optional(),
  age: z.string().optional(),
  isHealthy: z.boolean(),
  problems: z.array(z.string()).default([]),
  containers: z.array(containerSummary).default([]),
  /** Init containers and native sidecars, in the order they run. */
  initContainers: z.array(containerSummary).default([]),
  owners: ownersShape,
  argocdApp: z.string().optional(),
});

/** A pod of `describe_workload`. */
export type PodSummary = z.infer<typeof podSummaryShape>;

/** `describe_workload`: rollout, pods, missing references, warning events, crash logs. */
export const describeWorkloadResult = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  revision: z.string().optional(),
  images: z.array(z.string()).default([]),
  containers: z
    .array(
      z.object({
        name: z.string(),
        image: z.string().optional(),
        /** `resources.limits` and `resources.requests` of the pod template (`{memory: '256Mi'}`). */
        limits: quantities.optional(),
        requests: quantities.optional(),
      }),
    )
    .default([]),
  rollout: z
    .object({ summary: z.string(), isHealthy: z.boolean(), problems: z.array(z.string()).default([]) })
    .optional(),
  pods: z.array(podSummaryShape),
  podCount: z.number().optional(),
  warningEvents: z.array(eventGroupShape).default([]),
  missingReferences: z
    .array(z.object({ kind: z.string(), name: z.string(), usedBy: z.string(), optional: z.boolean().optional() }))
    .default([]),
  missingKeys: z
    .array(z.object({ kind: z.string(), name: z.string(), key: z.string(), usedBy: z.string() }))
    .default([]),
  /** ConfigMaps/Secrets a container loads whole (envFrom), with their key names. */
  envSources: z
    .array(z.object({ kind: z.string(), name: z.string(), container: z.string(), keys: z.array(z.string()) }))
    .default([]),
  unboundClaims: z
    .array(z.object({ name: z.string(), phase: z.string(), storageClassName: z.string().optional() }))
    .default([]),
  crashLogs: z
    .array(
      z.object({
        pod: z.string(),
        container: z.string(),
        previous: z.boolean().optional(),
        isInit: z.boolean().optional(),
        lines: z.array(z.string()),
      }),
    )
    .default([]),
});

/** `list_events`: event groups, newest first. */
export const listEventsResult = eventGroupsResult;

/** `get_namespace_health`: what is unhealthy in a namespace, worst first. */
export const getNamespaceHealthResult = z.object({
  namespace: z.string(),
  isHealthy: z.boolean(),
  findings: z.array(
    z.object({
      object: z.string(),
      problem: z.string(),
      severity: z.number().optional(),
      owners: ownersShape,
      argocdApp: z.string().optional(),
    }),
  ),
  totalFindings: z.number().optional(),
  warningEvents: z.array(eventGroupShape).default([]),
});

/** `get_pod_logs`: the (condensed) log lines of one container. */
export const getPodLogsResult = z.object({
  pod: z.string(),
  namespace: z.string().optional(),
  container: z.string().optional(),
  previous: z.boolean().optional(),
  lines: z.array(z.string()),
  totalLines: z.number().optional(),
});

/** `check_service`: selector, endpoints, ports and the problems found. */
export const checkServiceResult = z.object({
  service: z.string(),
  namespace: z.string(),
  selectedPods: z.array(z.string()).default([]),
  selector: z.record(z.string(), z.string()).default({}),
  pods: z.array(z.object({ name: z.string(), owners: ownersShape, argocdApp: z.string().optional() })).default([]),
  ports: z
    .array(
      z.object({
        port: z.number(),
        targetPort: z.union([z.number(), z.string()]),
        containerPorts: z.array(z.string()),
      }),
    )
    .default([]),
  nearMisses: z.array(z.object({ pod: z.string(), labels: z.record(z.string(), z.string()) })).default([]),
  /** Ingress NetworkPolicies selecting the Service's pods, with the peers each admits (`role=frontend`). */
  networkPolicies: z
    .array(
      z.object({
        name: z.string(),
        allowedFrom: z
          .array(
            z.object({
              podSelector: z.array(z.string()).optional(),
              namespaceSelector: z.array(z.string()).optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  readyEndpoints: z.number().optional(),
  notReadyEndpoints: z.number().optional(),
  problems: z.array(z.string()).default([]),
  isHealthy: z.boolean(),
});

const portShape = z.union([z.number(), z.string()]);
const probeShape = z
  .object({
    httpGet: z.object({ port: portShape, path: z.string().optional() }).optional(),
    tcpSocket: z.object({ port: portShape }).optional(),
  })
  .optional();

/** `get_resource` of a workload: the pod template's containers, their ports and probes. */
export const getResourceResult = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  object: z.object({
    spec: z
      .object({
        template: z
          .object({
            spec: z
              .object({
                containers: z
                  .array(
                    z.object({
                      name: z.string(),
                      ports: z.array(z.object({ containerPort: z.number(), name: z.string().optional() })).default([]),
                      resources: z
                        .object({
                          limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
                          requests: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
                        })
                        .optional(),
                      livenessProbe: probeShape,
                      readinessProbe: probeShape,
                      startupProbe: probeShape,
                    }),
                  )
                  .default([]),
                nodeSelector: z.record(z.string(), z.string()).optional(),
              })
              .optional(),
          })
          .optional(),
      })
      .optional(),
  }),
});

/** `get_rollout_history`: the workload's revisions, newest first, each with what changed from the older one. */
export const getRolloutHistoryResult = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  revisions: z.array(
    z.object({
      revision: z.number(),
      images: z.array(z.string()).default([]),
      createdAt: z.string().optional(),
      /** Ready pods of this revision now (a ReplicaSet that still serves ran healthy). */
      readyReplicas: z.number().optional(),
      isCurrent: z.boolean(),
      changes: z.array(z.string()).default([]),
      /** The pod template's leaf fields that changed from the older revision (absent value: not set). */
      fieldChanges: z
        .array(z.object({ path: z.string(), from: z.string().optional(), to: z.string().optional() }))
        .default([]),
    }),
  ),
});
