import { activeRedactionScope } from '../../redaction/index.js';
import type { KubeObject } from '../common/kube-types.js';
import { summarizeManagers } from '../common/managed-fields.js';
import { formatAge } from '../common/output-budget.js';
import type { PodShape, ServiceShape, WorkloadShape } from './kube-shapes.js';
import { summarizePod } from './pod-status.js';
import { rolloutState } from './rollout-state.js';

/** A one-line, kind-aware status of any object (what `kubectl get` columns would show). */
export function summarizeResource(object: KubeObject, now: Date): { status: string; isHealthy?: boolean } {
  const age = `age=${formatAge(object.metadata.creationTimestamp, now)}`;
  switch (object.kind) {
    case 'Pod': {
      const pod = summarizePod(object as PodShape, now);
      const problem = pod.problems[0] ? `  ! ${pod.problems[0]}` : '';
      return {
        status: `${pod.phase} ${pod.ready} restarts=${pod.restarts} ${age}${problem}`,
        isHealthy: pod.isHealthy,
      };
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job': {
      const state = rolloutState(object as WorkloadShape);
      return {
        status: `${state.summary} ${age}${state.problems[0] ? `  ! ${state.problems[0]}` : ''}`,
        isHealthy: state.isHealthy,
      };
    }
    case 'Service': {
      const spec = (object as ServiceShape).spec ?? {};
      const ports = (spec.ports ?? [])
        .map((port) => `${port.port}->${port.targetPort ?? port.port}/${port.protocol ?? 'TCP'}`)
        .join(',');
      const selector = Object.entries(spec.selector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
      return {
        status:
          `${spec.type ?? 'ClusterIP'} ${spec.clusterIP ?? ''} ports=${ports || 'none'} ` +
          `selector=${selector || 'none'}`,
      };
    }
    case 'ConfigMap':
    case 'Secret': {
      // Key names only; values (Secret or not) never leave the server through this path.
      const data = {
        ...((object as { data?: object }).data ?? {}),
        ...((object as { binaryData?: object }).binaryData ?? {}),
      };
      const keys = Object.keys(data);
      const type = object.kind === 'Secret' ? `${(object as { type?: string }).type ?? 'Opaque'} ` : '';
      return {
        status:
          `${type}keys=[${keys.slice(0, 12).join(',')}${keys.length > 12 ? `,…+${keys.length - 12}` : ''}] ` + `${age}`,
      };
    }
    case 'PersistentVolumeClaim': {
      const phase = (object.status as { phase?: string } | undefined)?.phase ?? 'Unknown';
      return { status: `${phase} ${age}`, isHealthy: phase === 'Bound' };
    }
    case 'Node': {
      const conditions =
        (object.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
      const ready = conditions.find((condition) => condition.type === 'Ready')?.status === 'True';
      const pressure = conditions
        .filter((condition) => condition.type !== 'Ready' && condition.status === 'True')
        .map((condition) => condition.type);
      const unschedulable = (object.spec as { unschedulable?: boolean } | undefined)?.unschedulable
        ? ' SchedulingDisabled'
        : '';
      return {
        status:
          `${ready ? 'Ready' : 'NotReady'}${unschedulable}${pressure.length ? ` ${pressure.join(',')}` : ''} ` +
          `${age}`,
        isHealthy: ready && pressure.length === 0,
      };
    }
    case 'Namespace':
      return { status: `${(object.status as { phase?: string } | undefined)?.phase ?? 'Active'} ${age}` };
    default: {
      const conditions = (
        object.status as { conditions?: Array<{ type: string; status: string; reason?: string }> } | undefined
      )?.conditions;
      const ready = conditions?.find((condition) => condition.type === 'Ready');
      return {
        status: `${ready ? `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''} ` : ''}${age}`,
        ...(ready ? { isHealthy: ready.status === 'True' } : {}),
      };
    }
  }
}

/** Fields that are noise for troubleshooting (and the last-applied annotation can hold secrets). */
const NOISY_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * Returns a copy fit for the model: managedFields and last-applied annotation dropped, and
 * Secret values replaced by their byte length (keys stay, values never leave the server). The
 * values go to the call's redaction scope, so a later log line or event that repeats one is
 * redacted too.
 */
export function sanitizeObject(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  const annotations = metadata.annotations
    ? Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => !NOISY_ANNOTATIONS.includes(key)))
    : undefined;
  const copy: KubeObject = { ...object, metadata: { ...metadata, ...(annotations ? { annotations } : {}) } };
  if (object.kind === 'Secret') {
    for (const field of ['data', 'stringData'] as const) {
      const values = object[field] as Record<string, string> | undefined;
      if (values) for (const value of Object.values(values)) activeRedactionScope()?.learn(value);
      if (values)
        copy[field] = Object.fromEntries(
          Object.keys(values).map((key) => [
            key,
            `<redacted: ` +
              `${field === 'data' ? Buffer.from(values[key] ?? '', 'base64').length : (values[key] ?? '').length} ` +
              `bytes>`,
          ]),
        );
    }
  }
  return copy;
}

/** `last written by: kubectl-edit (Update, 2h ago), ...` from managedFields, or undefined. */
export function managedFieldsLine(object: KubeObject, now: Date): string | undefined {
  const managers = summarizeManagers((object.metadata as { managedFields?: unknown }).managedFields, now);
  return managers ? `last written by: ${managers}` : undefined;
}
