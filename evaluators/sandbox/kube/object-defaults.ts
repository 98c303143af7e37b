/**
 * Defaulting the API server applies on write (the fields `kubectl get -o yaml` shows although
 * nobody wrote them): pod spec defaults, workload strategies, Service ports. Only missing
 * fields are filled; the input is not mutated.
 */
import type { KubeObject } from './cluster-api.js';

type Json = Record<string, unknown>;

function defaultContainer(container: Json): Json {
  const image = String(container.image ?? '');
  const tag = image.includes('@') ? 'digest' : (/:([^/]+)$/.exec(image)?.[1] ?? 'latest');
  const ports = Array.isArray(container.ports)
    ? (container.ports as Json[]).map((p) => ({ protocol: 'TCP', ...p }))
    : undefined;
  return {
    imagePullPolicy: tag === 'latest' ? 'Always' : 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...container,
    ...(ports ? { ports } : {}),
  };
}

/** Pod spec defaults (restartPolicy, dnsPolicy, service account, container fields). */
export function defaultPodSpec(spec: Json): Json {
  const account = (spec.serviceAccountName ?? spec.serviceAccount ?? 'default') as string;
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    ...spec,
    serviceAccountName: account,
    serviceAccount: account,
    containers: ((spec.containers as Json[] | undefined) ?? []).map(defaultContainer),
    ...(Array.isArray(spec.initContainers)
      ? { initContainers: (spec.initContainers as Json[]).map(defaultContainer) }
      : {}),
  };
}

function defaultTemplate(template: unknown): Json {
  const value = (template ?? {}) as Json;
  return { ...value, spec: defaultPodSpec((value.spec ?? {}) as Json) };
}

/** Returns the object with the API server's defaults filled in. */
export function defaultObject(object: KubeObject): KubeObject {
  const spec = (object.spec ?? {}) as Json;
  switch (object.kind) {
    case 'Pod':
      return { ...object, spec: defaultPodSpec(spec) };
    case 'Deployment':
      return {
        ...object,
        spec: {
          replicas: 1,
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
          ...spec,
          template: defaultTemplate(spec.template),
        },
      };
    case 'ReplicaSet':
      return { ...object, spec: { replicas: 1, ...spec, template: defaultTemplate(spec.template) } };
    case 'StatefulSet':
      return {
        ...object,
        spec: {
          replicas: 1,
          podManagementPolicy: 'OrderedReady',
          revisionHistoryLimit: 10,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          ...spec,
          template: defaultTemplate(spec.template),
        },
      };
    case 'DaemonSet':
      return {
        ...object,
        spec: {
          revisionHistoryLimit: 10,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
          ...spec,
          template: defaultTemplate(spec.template),
        },
      };
    case 'Job':
      return {
        ...object,
        spec: {
          backoffLimit: 6,
          completions: 1,
          parallelism: 1,
          completionMode: 'NonIndexed',
          suspend: false,
          ...spec,
          template: defaultTemplate(spec.template),
        },
      };
    case 'CronJob': {
      const jobTemplate = (spec.jobTemplate ?? {}) as Json;
      const jobSpec = (jobTemplate.spec ?? {}) as Json;
      return {
        ...object,
        spec: {
          concurrencyPolicy: 'Allow',
          suspend: false,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
          ...spec,
          jobTemplate: { ...jobTemplate, spec: { ...jobSpec, template: defaultTemplate(jobSpec.template) } },
        },
      };
    }
    case 'Service': {
      const ports = Array.isArray(spec.ports)
        ? (spec.ports as Json[]).map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p }))
        : undefined;
      const type = (spec.type as string | undefined) ?? 'ClusterIP';
      return {
        ...object,
        spec: {
          type,
          sessionAffinity: 'None',
          internalTrafficPolicy: 'Cluster',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ...spec,
          ...(ports ? { ports } : {}),
        },
        status: { loadBalancer: {} },
      };
    }
    case 'Namespace':
      return {
        ...object,
        metadata: {
          ...object.metadata,
          labels: { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name },
        },
        spec: { finalizers: ['kubernetes'], ...spec },
        status: { phase: 'Active' },
      };
    case 'PersistentVolumeClaim':
      return { ...object, spec: { volumeMode: 'Filesystem', ...spec } };
    default:
      return object;
  }
}
