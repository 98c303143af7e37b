import { z } from 'zod';
import { McpServerError } from '../common/errors.js';
import type { KubeClient } from '../common/kube-client.js';
import { findWellKnownType, type ResourceType } from '../common/kube-types.js';
import { closestMatches } from '../common/output-budget.js';
import type { WorkloadShape } from './kube-shapes.js';

/** Kinds `describe_workload` and friends understand, in look-up order. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Input schema for a workload kind (optional: the look-up tries each kind). */
export const workloadKindSchema = z
  .enum(WORKLOAD_KINDS)
  .describe('Workload kind; omit to try Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod in that order.');

/** Kubernetes object names: DNS-1123 subdomain. Anything else cannot exist, so it is rejected early. */
export const objectNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name (lowercase letters, digits, - and .)');
/** Namespace names: DNS-1123 label. */
export const namespaceSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name (lowercase letters, digits and -)');

/** The API type of a workload kind. */
export function workloadType(kind: WorkloadKind): ResourceType {
  // Every WORKLOAD_KINDS entry is in the well-known table.
  return findWellKnownType(kind) as ResourceType;
}

/** A workload found by name. */
export interface WorkloadMatch {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  object: WorkloadShape;
}

/** Lists workloads of the given kinds (all namespaces unless one is given). Pods owned by a controller are skipped. */
export async function listWorkloads(
  kube: KubeClient,
  options: { namespace?: string; kinds?: readonly WorkloadKind[] } = {},
): Promise<WorkloadMatch[]> {
  const kinds = options.kinds ?? WORKLOAD_KINDS;
  const lists = await Promise.all(
    kinds.map(async (kind) => {
      const objects = (await kube.list(
        workloadType(kind),
        options.namespace ? { namespace: options.namespace } : {},
      )) as WorkloadShape[];
      return objects
        .filter(
          (object) => kind !== 'Pod' || !(object.metadata.ownerReferences ?? []).some((owner) => owner.controller),
        )
        .filter(
          (object) =>
            kind !== 'Job' || !(object.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'CronJob'),
        )
        .map((object) => ({ kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name, object }));
    }),
  );
  return lists.flat();
}

/**
 * Finds one workload by exact name. Without a namespace it searches all namespaces; an unknown
 * or ambiguous name becomes a model-actionable error naming the closest matches.
 */
export async function resolveWorkload(
  kube: KubeClient,
  input: { name: string; namespace?: string; kind?: WorkloadKind },
): Promise<WorkloadMatch> {
  const kinds = input.kind ? [input.kind] : WORKLOAD_KINDS;
  if (input.namespace) {
    for (const kind of kinds) {
      const object = (await kube.get(workloadType(kind), input.namespace, input.name)) as WorkloadShape | undefined;
      if (object) return { kind, namespace: input.namespace, name: input.name, object };
    }
  }
  const all = await listWorkloads(kube, { kinds, ...(input.namespace ? { namespace: input.namespace } : {}) });
  const exact = all.filter((match) => match.name === input.name);
  if (exact.length === 1 && exact[0]) return exact[0];
  const where = input.namespace ? `namespace ${input.namespace}` : 'any namespace';
  if (exact.length > 1) {
    const places = exact.map((match) => `${match.kind} ${match.namespace}/${match.name}`).join(', ');
    throw new McpServerError(
      'invalid_input',
      `'${input.name}' matches several workloads (${places}); call again with namespace and kind.`,
    );
  }
  const suggestions = closestMatches(
    input.name,
    all.map((match) => match.name),
  );
  const hint =
    suggestions.length > 0
      ? ` Closest: ${suggestions
          .map((name) => {
            const found = all.find((match) => match.name === name);
            return `${found?.kind} ${found?.namespace}/${name}`;
          })
          .join(', ')}.`
      : '';
  throw new McpServerError(
    'not_found',
    `No ${input.kind ?? 'workload'} named '${input.name}' in ${where}.${hint} Call find_workloads with a name ` +
      `fragment to search every namespace.`,
  );
}
